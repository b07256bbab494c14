package dev.qama.core.cpqc;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.spi.SolveRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Plays the hardware side of the file exchange in tests: a daemon thread that watches a directory
 * for {@code matrix.csv} files, solves each task of at most {@code maxSpins} spins exactly and
 * writes its {@code solution.json} (atomically, as ±1 spins or 0/1 bits). Larger tasks stay
 * unanswered, like a machine whose queue is long. Close it to stop the thread; {@link #close}
 * rethrows what went wrong on it.
 */
final class VendorResponder implements AutoCloseable {
    private final Path dir;
    private final boolean asBits;
    private final int maxSpins;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    VendorResponder(Path dir, boolean asBits, int maxSpins) {
        this.dir = dir;
        this.asBits = asBits;
        this.maxSpins = maxSpins;
        this.thread = new Thread(this::run, "cpqc-vendor-responder");
        thread.setDaemon(true);
        thread.start();
    }

    /** The number of tasks answered so far. */
    int answered() {
        return answered.get();
    }

    private void run() {
        try (BruteForceBackend exact = new BruteForceBackend(1)) {
            while (running) {
                List<Path> csvs;
                try (Stream<Path> s = Files.walk(dir)) {
                    csvs =
                            s.filter(p -> p.getFileName().toString().equals("matrix.csv"))
                                    .filter(p -> !Files.exists(p.resolveSibling("solution.json")))
                                    .toList();
                } catch (IOException | UncheckedIOException notYet) {
                    csvs = List.of(); // no directory yet, or a temporary file vanished mid-walk
                }
                for (Path csv : csvs) {
                    answer(csv, exact);
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException stop) {
            // closed
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private void answer(Path csv, BruteForceBackend exact) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int n = lines.size();
        if (n > maxSpins) {
            return;
        }
        float[] j = new float[n * n];
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i).split(",");
            if (cells.length != n) {
                throw new IllegalStateException(csv + " line " + i + " is not square");
            }
            for (int k = 0; k < n; k++) {
                j[i * n + k] = Integer.parseInt(cells[k].trim());
            }
        }
        BinaryQuadraticModel ising =
                BinaryQuadraticModel.of(
                        Vartype.SPIN, new float[n], DenseCoupling.ofSymmetric(n, j), 0);
        byte[] s = exact.solve(SolveRequest.of(List.of(ising), 0)).get(0).best();
        List<Object> vec = new ArrayList<>();
        for (byte v : s) {
            vec.add(asBits ? (long) ((v + 1) / 2) : (long) v);
        }
        Map<String, Object> sol = new LinkedHashMap<>();
        sol.put("taskId", csv.getParent().getFileName().toString());
        sol.put("solutionVector", vec);
        Path tmp = csv.resolveSibling("solution.json.part");
        Files.writeString(tmp, JsonValue.write(sol));
        Files.move(
                tmp,
                csv.resolveSibling("solution.json"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        answered.incrementAndGet();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the vendor responder failed", t);
        }
    }
}
