/**
 * Readers and writers of problem files: the G-set/rudy Max-Cut format ({@link GsetFormat}), the
 * BiqMac QUBO format ({@link BiqMacFormat}) and this library's own QUBO text format ({@link
 * QuboFormat}). The formats are described in {@code docs/formats.md}.
 *
 * <p>Every reader is strict: a file that does not match its format exactly (an announced count that
 * disagrees with the lines that follow, a bad number, NaN or infinity, an index out of range, a
 * duplicate entry where duplicates are ambiguous, an absurd size) is rejected with a {@link
 * FormatException}, an {@link IllegalArgumentException} whose message reads {@code FILE:LINE: what
 * is wrong (the offending text)}. A reader never returns a model that differs silently from the
 * file.
 *
 * <p>Coefficients are stored in float32 by {@link dev.qama.core.model.BinaryQuadraticModel}; a
 * value whose magnitude exceeds the float32 range is rejected. Sizes above {@value
 * FormatException#MAX_VARIABLES} variables are rejected as absurd.
 */
package dev.qama.core.io;
