package dev.qama.bench.longseq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux). PyTorch allocates
 * natively, outside the Java heap, so the peak resident set size ({@code VmHWM}, "high water mark")
 * is the honest measure of what a forward + backward pass needs.
 */
public final class MemoryProbe {
    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {}

    /** Whether {@code /proc/self/status} exists (Linux). */
    public static boolean available() {
        return Files.isReadable(STATUS);
    }

    /** The peak resident set size of this process in bytes ({@code VmHWM}), or -1 if unknown. */
    public static long peakRssBytes() {
        return read("VmHWM");
    }

    /** The current resident set size in bytes ({@code VmRSS}), or -1 if unknown. */
    public static long currentRssBytes() {
        return read("VmRSS");
    }

    private static long read(String key) {
        if (!available()) {
            return -1;
        }
        try {
            return parseKilobytes(Files.readString(STATUS), key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS, e);
        }
    }

    /**
     * The value of a {@code key: 123 kB} line of a proc status text, in bytes.
     *
     * @throws IllegalArgumentException naming the key if the text has no such line
     */
    static long parseKilobytes(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                if (parts.length > 1 && !parts[1].equalsIgnoreCase("kB")) {
                    throw new IllegalArgumentException(
                            "unexpected unit '" + parts[1] + "' in line '" + line + "'");
                }
                return value * 1024L;
            }
        }
        throw new IllegalArgumentException("no '" + key + ":' line in the proc status text");
    }
}
