package dev.qama.bench.jmh;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native (PyTorch) memory one pass of {@link AttentionBlockBenchmark} allocates, which JMH's
 * {@code -prof gc} cannot see: PyTorch's autograd profiler with memory profiling (through DJL's
 * {@code ai.djl.pytorch.jni.JniUtils.startProfile}, called reflectively since the engine is a
 * runtime dependency) records the bytes each operator allocates; the sum over the outermost
 * operators of each thread is the allocation volume of the pass (tensors that are freed before the
 * pass ends count too, as in {@code gc.alloc.rate.norm}). Allocations outside any operator (e.g.
 * copies of Java arrays into new tensors) are not in the profile.
 *
 * <p>{@code java ... dev.qama.bench.jmh.NativeAllocations [BxNxExH ...]} prints one line per
 * configuration, block and pass (forward; forward + backward).
 */
public final class NativeAllocations {
    private static final Pattern TS = Pattern.compile("\"ts\": ([0-9.]+)");
    private static final Pattern DUR = Pattern.compile("\"dur\": ([0-9.]+)");
    private static final Pattern TID = Pattern.compile("\"tid\": (\\d+)");
    private static final Pattern MEM = Pattern.compile("\"cpu mem\": \"(-?[0-9.]+) (b|Kb|Mb|Gb)\"");

    private NativeAllocations() {}

    /**
     * Runs one untimed pass of the set-up benchmark state under PyTorch's profiler, writing the
     * trace to {@code trace}, and returns the bytes allocated by its operators.
     */
    public static long allocatedBytes(AttentionBlockBenchmark b, boolean backward, Path trace)
            throws IOException {
        Method start;
        Method stop;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            start = jni.getMethod("startProfile", boolean.class, boolean.class, boolean.class);
            stop = jni.getMethod("stopProfile", String.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the PyTorch engine is not on the class path", e);
        }
        invoke(start, false, false, true); // no CUDA, no shapes, memory
        try (NDManager sub = b.manager.newSubManager()) {
            sub.tempAttachAll(b.attached);
            b.pass(backward).sum().getFloat();
        } finally {
            invoke(stop, trace.toString());
        }
        return allocatedBytes(Files.readString(trace));
    }

    private static void invoke(Method m, Object... args) {
        try {
            m.invoke(null, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("PyTorch profiler: " + m.getName() + " failed", e);
        }
    }

    /** Sums the positive "cpu mem" of the outermost operator events of each thread in a trace. */
    static long allocatedBytes(String trace) {
        record Event(int tid, double ts, double dur, double bytes) {}
        List<Event> events = new ArrayList<>();
        // one chunk per event of the Chrome trace ("name" opens each); complete events only
        for (String e : trace.split("\"name\":")) {
            if (!e.contains("\"ph\": \"X\"")) {
                continue;
            }
            Matcher ts = TS.matcher(e);
            Matcher dur = DUR.matcher(e);
            Matcher tid = TID.matcher(e);
            Matcher mem = MEM.matcher(e);
            if (ts.find() && dur.find() && tid.find() && mem.find()) {
                double scale =
                        switch (mem.group(2)) {
                            case "Kb" -> 1024.0;
                            case "Mb" -> 1024.0 * 1024;
                            case "Gb" -> 1024.0 * 1024 * 1024;
                            default -> 1.0;
                        };
                events.add(
                        new Event(
                                Integer.parseInt(tid.group(1)),
                                Double.parseDouble(ts.group(1)),
                                Double.parseDouble(dur.group(1)),
                                Double.parseDouble(mem.group(1)) * scale));
            }
        }
        // outermost first: by thread, start, and the longer of two events starting together
        events.sort(
                Comparator.comparingInt(Event::tid)
                        .thenComparingDouble(Event::ts)
                        .thenComparingDouble(e -> -e.dur()));
        Map<Integer, Double> end = new HashMap<>();
        double total = 0;
        for (Event e : events) {
            Double until = end.get(e.tid());
            if (until != null && e.ts() < until) {
                continue; // nested in an operator already counted
            }
            end.put(e.tid(), e.ts() + e.dur());
            total += Math.max(0, e.bytes());
        }
        return Math.round(total);
    }

    /** Prints the native allocation volume per pass for the given (or the default) configs. */
    public static void main(String[] args) throws IOException {
        String[] configs =
                args.length > 0 ? args : new String[] {"128x49x64x8", "32x64x128x8", "8x256x128x8"};
        Path trace = Files.createTempFile("qama-native-", ".json");
        try {
            for (String config : configs) {
                for (String block : new String[] {"classical", "values", "selected-keys"}) {
                    AttentionBlockBenchmark b = new AttentionBlockBenchmark();
                    b.config = config;
                    b.block = block;
                    b.backend = "sb";
                    b.setup();
                    try {
                        for (boolean backward : new boolean[] {false, true}) {
                            allocatedBytes(b, backward, trace); // a warm pass first
                            long bytes = allocatedBytes(b, backward, trace);
                            System.out.printf(
                                    Locale.ROOT,
                                    "%-12s %-14s %-18s %8.1f MiB%n",
                                    config,
                                    block,
                                    backward ? "forward+backward" : "forward",
                                    bytes / (1024.0 * 1024));
                        }
                    } finally {
                        b.close();
                    }
                }
            }
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
