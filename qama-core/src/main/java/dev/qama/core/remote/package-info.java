/**
 * Remote annealers: the wire protocol ({@link dev.qama.core.remote.WireCodec}: compact binary and
 * JSON encodings of batches and results, content-hash job ids) shared by the annealer server and
 * the client backend {@link dev.qama.core.remote.RemoteAnnealerBackend} (provider {@code
 * "remote"}). See {@code docs/remote-protocol.md}.
 */
package dev.qama.core.remote;
