package dev.qama.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVMs of the benchmarks ({@code qama bench long-seq} measures in fresh JVMs, {@code qama
 * bench chaos} runs {@code qama serve} processes): one place for the command line (this JVM's
 * {@code java}, class path, the incubator vector module and DJL's offline flags) and the
 * environment ({@code DJL_OFFLINE}, {@code OPT_OUT_TRACKING}, one OpenMP thread), and for reading
 * what a child prints.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * A process builder for {@code java -Xmx<heap> ... -cp <this JVM's class path> mainClass args}
     * with the offline environment set.
     */
    public static ProcessBuilder builder(String heap, String mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx" + heap);
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dai.djl.pytorch.num_threads=1");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        return pb;
    }

    /** The longest error line {@link #errorLine} returns. */
    public static final int MAX_ERROR_CHARS = 400;

    /**
     * The line of a failed child JVM's stderr that says why: the message of the deepest "Caused
     * by:" exception, else of the uncaught exception ("Exception in thread …"), else the last line
     * that is not part of a stack trace; exception classes without their package. Empty if there is
     * none.
     */
    public static String errorLine(List<String> stderr) {
        String cause = null;
        String thrown = null;
        String last = null;
        for (String raw : stderr) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("at ") || line.matches("\\.\\.\\. \\d+ more")) {
                continue;
            }
            last = line;
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            } else if (line.startsWith("Exception in thread ")) {
                int q = line.indexOf('"', line.indexOf('"') + 1);
                thrown = q < 0 ? line : line.substring(q + 1).strip();
                cause = null; // a later uncaught exception replaces an earlier chain
            }
        }
        String pick = cause != null ? cause : thrown != null ? thrown : last;
        if (pick == null) {
            return "";
        }
        // java.lang.IllegalArgumentException: msg -> IllegalArgumentException: msg
        pick = pick.replaceFirst("^(?:[a-z_$][\\w$]*\\.)+([A-Z][\\w$]*(?:Exception|Error))", "$1");
        return pick.length() <= MAX_ERROR_CHARS
                ? pick
                : pick.substring(0, MAX_ERROR_CHARS - 1) + "…";
    }

    /**
     * Reads a child's output stream on a daemon thread and keeps its last lines (so that the child
     * never blocks on a full pipe).
     */
    public static final class OutputTail {
        private static final int KEEP = 200;
        private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
        private final Thread reader;

        /** Starts reading {@code in}; {@code name} names the reading thread. */
        public OutputTail(java.io.InputStream in, String name) {
            reader =
                    new Thread(
                            () -> {
                                try (BufferedReader r =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        in, StandardCharsets.UTF_8))) {
                                    String line;
                                    while ((line = r.readLine()) != null) {
                                        synchronized (tail) {
                                            if (tail.size() == KEEP) {
                                                tail.removeFirst();
                                            }
                                            tail.addLast(line);
                                        }
                                    }
                                } catch (IOException e) {
                                    // the child is gone: keep what was read
                                }
                            },
                            name);
            reader.setDaemon(true);
            reader.start();
        }

        /** The kept lines, after the child has closed its stderr (waits at most 10 s). */
        public List<String> lines() throws InterruptedException {
            reader.join(10_000);
            synchronized (tail) {
                return new ArrayList<>(tail);
            }
        }
    }
}
