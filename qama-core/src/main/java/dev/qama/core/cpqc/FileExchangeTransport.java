package dev.qama.core.cpqc;

import dev.qama.core.io.IoErrors;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.spi.SolverException;
import dev.qama.core.spi.StopCondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file-exchange transport: the way the QAMA authors ran their CPQC jobs (export the matrix as
 * CSV, upload it on the vendor's web platform, download the solution JSON). This process never
 * contacts the vendor: it writes the task and waits for the answer file.
 *
 * <h2>Layout of a job directory</h2>
 *
 * For task name T, in {@code DIR/T/}:
 *
 * <ul>
 *   <li>{@code matrix.csv} (written): the (n+1)×(n+1) integer Ising matrix ({@link
 *       IsingMapping#toCsv}): n+1 lines of n+1 comma-separated integers in [−127, 127], zero
 *       diagonal, symmetric, the auxiliary spin last, no header;
 *   <li>{@code task.json} (written): task name, spin count, scale σ, offset, sign convention and
 *       the rounding report, with a note that no hardware was contacted;
 *   <li>{@code solution.json} (expected, written by the user or a script): an object with a field
 *       {@code solutionVector} holding one vector or an array of vectors of n+1 entries, either ±1
 *       spins or 0/1 bits (read as spin = 2·bit − 1; a vector containing −1 is read as spins).
 * </ul>
 *
 * The directory is polled every {@code poll} until {@code timeout}; a solution already present (the
 * task name is a hash of the matrix, so a re-run finds an earlier answer) is used at once. When
 * none appears, a {@link SolverException} says where the task is waiting and that no machine was
 * contacted.
 *
 * <h2>Stopping</h2>
 *
 * While it waits, the batch's {@link StopCondition} is checked at least every 50 ms: when the
 * request's time limit passes first (before {@code timeout}), the request is cancelled or the
 * calling thread is interrupted, the wait ends with no spins and status TIME_LIMIT or INTERRUPTED
 * (the interrupt flag stays set) and a warning that says where the task is kept; a later run of the
 * same problem picks its answer up.
 */
public final class FileExchangeTransport implements CpqcTransport {
    /** The file name of the matrix. */
    public static final String MATRIX = "matrix.csv";

    /** The file name of the task description. */
    public static final String TASK = "task.json";

    /** The file name of the expected answer. */
    public static final String SOLUTION = "solution.json";

    private static final System.Logger LOG =
            System.getLogger(FileExchangeTransport.class.getName());
    private final Path dir;
    private final Duration poll;
    private final Duration timeout;
    private final boolean negate;

    /**
     * @param dir the exchange directory (created if needed)
     * @param poll how often to look for the answer (positive)
     * @param timeout how long to wait for it (positive); a shorter request time limit ends the wait
     *     first, with status TIME_LIMIT
     * @param negate write −K instead of K (for a platform that maximises, or whose Ising energy is
     *     −½ sᵀJs)
     */
    public FileExchangeTransport(Path dir, Duration poll, Duration timeout, boolean negate) {
        if (dir == null) {
            throw new IllegalArgumentException("cpqc file exchange: directory is null");
        }
        if (poll == null || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException(
                    "cpqc file exchange: poll interval must be positive, got " + poll);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "cpqc file exchange: timeout must be positive, got " + timeout);
        }
        this.dir = dir;
        this.poll = poll;
        this.timeout = timeout;
        this.negate = negate;
    }

    @Override
    public String describe() {
        return "file:" + dir.toAbsolutePath() + ", no hardware contacted by this process";
    }

    /** The directory of a task. */
    public Path taskDir(String task) {
        return dir.resolve(task);
    }

    @Override
    public Answer solve(IsingMapping m, String task, int reads, long seed, StopCondition stop) {
        Path td = taskDir(task);
        Path solution = td.resolve(SOLUTION);
        try {
            Files.createDirectories(td);
            writeAtomically(td.resolve(MATRIX), m.toCsv(negate));
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("task", task);
            t.put("spins", m.size());
            t.put("auxiliarySpin", m.size() - 1);
            t.put("scale", m.scale());
            t.put("offset", m.offset());
            t.put(
                    "energy",
                    "E(x) = offset + (sum_{i<j} K_ij s_i s_j) / scale, s = spins times s_aux");
            t.put("negated", negate);
            t.put("reads", reads);
            t.put("precision", m.precision().toString());
            t.put(
                    "note",
                    "written by qama; this process never contacts the QBoson platform: upload "
                            + MATRIX
                            + " yourself and save the answer as "
                            + SOLUTION
                            + " in this directory");
            writeAtomically(td.resolve(TASK), JsonValue.write(t));
        } catch (IOException e) {
            throw new SolverException("cannot write the CPQC task: " + IoErrors.describe(td, e), e);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "CPQC task {0} written to {1}; waiting up to {2} for {3} (no hardware is contacted"
                        + " by this process)",
                task,
                td,
                timeout,
                SOLUTION);
        long end = System.nanoTime() + timeout.toNanos();
        long nextLook = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            if (now - nextLook >= 0) {
                if (Files.exists(solution)) {
                    break;
                }
                nextLook = now + Math.max(1_000_000L, poll.toNanos());
            }
            SolveStatus why = stop.reason();
            if (why != null) {
                return stoppedWaiting(why, td);
            }
            if (now - end >= 0) {
                throw new SolverException(
                        "no "
                                + SOLUTION
                                + " appeared in "
                                + td
                                + " within "
                                + timeout
                                + "; this process never contacts QBoson hardware: upload "
                                + td.resolve(MATRIX)
                                + " to the platform and save its answer there (the task is kept,"
                                + " a re-run picks the answer up)");
            }
            if (!sleepUntil(Math.min(Math.min(nextLook, end), now + SLICE_NANOS))) {
                return stoppedWaiting(SolveStatus.INTERRUPTED, td);
            }
        }
        try {
            String text = readStable(solution, stop);
            if (text == null) {
                SolveStatus why = stop.reason();
                return stoppedWaiting(why == null ? SolveStatus.INTERRUPTED : why, td);
            }
            return new Answer(
                    parseSolution(text, m.size(), solution.toString()),
                    "file:" + td + ", no hardware contacted by this process",
                    SolveStatus.COMPLETED);
        } catch (IOException e) {
            throw new SolverException(
                    "cannot read the CPQC answer: " + IoErrors.describe(solution, e), e);
        }
    }

    /** The longest sleep between two looks at the stop condition while waiting. */
    private static final long SLICE_NANOS = 50_000_000L;

    /**
     * Sleeps until {@code nanoTime} reaches {@code until}; false (the thread's interrupt flag set
     * again) if interrupted.
     */
    private static boolean sleepUntil(long until) {
        long nanos = Math.max(100_000L, until - System.nanoTime());
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Answer stoppedWaiting(SolveStatus why, Path td) {
        LOG.log(
                System.Logger.Level.WARNING,
                "stopped waiting for {0} in {1} ({2}); the task is kept, a re-run picks the answer"
                        + " up",
                SOLUTION,
                td,
                why == SolveStatus.TIME_LIMIT
                        ? "the batch time limit passed"
                        : "cancelled or interrupted");
        return Answer.stopped(why);
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a file that another process may still be writing: until it parses as JSON (at most 50
     * polls, then the last text is returned and its parse error reported), or null when the batch
     * is stopped (time limit, cancellation, interrupt) before it does.
     */
    private String readStable(Path p, StopCondition stop) throws IOException {
        String a = Files.readString(p, StandardCharsets.UTF_8);
        for (int k = 0; k < 50; k++) {
            try {
                JsonValue.parse(a);
                return a;
            } catch (IllegalArgumentException partial) {
                long next = System.nanoTime() + Math.max(1_000_000L, poll.toNanos());
                while (System.nanoTime() - next < 0) {
                    if (stop.shouldStop()
                            || !sleepUntil(Math.min(next, System.nanoTime() + SLICE_NANOS))) {
                        return null;
                    }
                }
                a = Files.readString(p, StandardCharsets.UTF_8);
            }
        }
        return a;
    }

    /**
     * Parses a vendor solution: {@code {"solutionVector": [...]}} with one vector or an array of
     * vectors, ±1 or 0/1 entries, each of length {@code size}.
     */
    public static List<byte[]> parseSolution(String text, int size, String where) {
        Map<String, Object> m;
        try {
            m = JsonValue.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new SolverException(where + ": " + e.getMessage());
        }
        Object v = m.get("solutionVector");
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new SolverException(where + ": no non-empty 'solutionVector' array");
        }
        List<List<?>> vectors = new ArrayList<>();
        if (list.get(0) instanceof List<?>) {
            for (Object o : list) {
                if (!(o instanceof List<?> l)) {
                    throw new SolverException(where + ": mixed vectors and numbers");
                }
                vectors.add(l);
            }
        } else {
            vectors.add(list);
        }
        List<byte[]> out = new ArrayList<>();
        for (int r = 0; r < vectors.size(); r++) {
            List<?> vec = vectors.get(r);
            if (vec.size() != size) {
                throw new SolverException(
                        where
                                + ": solution "
                                + r
                                + " has "
                                + vec.size()
                                + " entries but the task has "
                                + size
                                + " spins (auxiliary spin included)");
            }
            boolean spins = false;
            byte[] s = new byte[size];
            for (int i = 0; i < size; i++) {
                Object o = vec.get(i);
                long x;
                if (o instanceof Long l) {
                    x = l;
                } else if (o instanceof Double d && d == Math.rint(d)) {
                    x = d.longValue();
                } else {
                    throw new SolverException(
                            where
                                    + ": solution "
                                    + r
                                    + " entry "
                                    + i
                                    + " = "
                                    + o
                                    + " is not ±1/0/1");
                }
                if (x == -1) {
                    spins = true;
                } else if (x != 0 && x != 1) {
                    throw new SolverException(
                            where
                                    + ": solution "
                                    + r
                                    + " entry "
                                    + i
                                    + " = "
                                    + x
                                    + " is not ±1/0/1");
                }
                s[i] = (byte) x;
            }
            for (int i = 0; i < size; i++) {
                if (spins && s[i] == 0) {
                    throw new SolverException(
                            where
                                    + ": solution "
                                    + r
                                    + " mixes −1 and 0 entries (entry "
                                    + i
                                    + ")");
                }
                if (!spins) {
                    s[i] = (byte) (2 * s[i] - 1);
                }
            }
            out.add(s);
        }
        return out;
    }
}
