/**
 * The annealer service: {@link dev.qama.cim.server.AnnealerServer}, an HTTP server (JDK {@code
 * com.sun.net.httpserver}) that runs the annealer backends on its class path for remote clients
 * ({@link dev.qama.core.remote.RemoteAnnealerBackend}). Protocol: {@code docs/remote-protocol.md}.
 */
package dev.qama.cim.server;
