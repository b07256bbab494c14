package dev.qama.core.remote;

import dev.qama.core.model.Problem;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.BackendCapabilities;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Seeds;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import dev.qama.core.spi.SolverException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AnnealerBackend} that sends each batch to an annealer server speaking this library's
 * wire protocol ({@code docs/remote-protocol.md}) over HTTP, with {@link HttpClient}.
 *
 * <h2>Behaviour of one {@code solve}</h2>
 *
 * <ol>
 *   <li>The batch is encoded once ({@link WireCodec#encodeRequest}); its job id is the SHA-256 of
 *       that encoding, so resubmitting it anywhere is idempotent. The submit carries the id in the
 *       {@code X-Qama-Job-Id} header, as the polls do in their path, so a load balancer in front of
 *       several servers can send both to the same server ({@code docs/deployment.md}).
 *   <li>Load is spread round-robin by batch: batch b starts at endpoint {@code b mod E}; every
 *       failed attempt moves to the next endpoint (fail-over).
 *   <li>Transient failures (connection refused or reset, timeouts, HTTP 5xx, 408, 429, or a job the
 *       server no longer knows) are retried up to {@code retries} times with exponential backoff
 *       {@code min(maxBackoff, backoff·2^attempt)} scaled by a seeded jitter in [0.5, 1.5); a 429's
 *       {@code Retry-After} is honoured (the longer of the two). Each failure is logged ({@link
 *       System.Logger}, WARNING) with the endpoint and the reason.
 *   <li>Permanent failures (400, 401, 403, 413, 422, a result that fails validation) are not
 *       retried: a {@link SolverException} says which endpoint answered what.
 *   <li>Every batch has a deadline: the request's time limit plus {@code deadlineMargin}, or {@code
 *       deadline} when the request has no time limit. When it passes or the retries are exhausted,
 *       the batch goes to the fallback backend if one is configured, else a {@link SolverException}
 *       is thrown.
 * </ol>
 *
 * <h2>Results</h2>
 *
 * Returned states are re-validated against the local problems and their energies recomputed ({@link
 * SolveResult#of}); if the server's energy of a state differs from the local energy by more than
 * {@code 1e-5·max(1, |E|)}, the call fails loudly (a {@link SolverException}) rather than return
 * numbers that disagree with the model. {@link BatchResult#backend()} says who served the batch:
 * {@code "remote[http://host:port]"} for an endpoint, {@code "remote→fallback:NAME"} for the
 * fallback. Timings: {@code total_seconds}, {@code solve_seconds} and {@code queue_seconds} (as
 * reported by the server), {@code transfer_seconds} (the rest of the successful attempt: encoding,
 * HTTP and polling), {@code retry_seconds} (time spent in failed attempts and backoff).
 *
 * <p>Thread-safe: several threads may call {@code solve} at once (they share one {@link
 * HttpClient}).
 */
public final class RemoteAnnealerBackend implements AnnealerBackend {
    private static final System.Logger LOG =
            System.getLogger(RemoteAnnealerBackend.class.getName());

    /** The provider name. */
    public static final String NAME = "remote";

    private final List<URI> endpoints;
    private final String token;
    private final Duration requestTimeout;
    private final int retries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Duration deadlineMargin;
    private final Duration deadline;
    private final Duration pollWait;
    private final String solver;
    private final AnnealerBackend fallback;
    private final String fallbackName;
    private final long jitterSeed;
    private final int maxVariables;
    private final long breakerNanos;

    /** Per endpoint: until when (System.nanoTime) its circuit is open; 0 = closed. */
    private final long[] openUntil;

    private final long hedgeNanos;
    private final java.util.concurrent.ExecutorService hedgePool;
    private final HttpClient http;
    private final AtomicLong batches = new AtomicLong();

    private RemoteAnnealerBackend(Builder b) {
        if (b.endpoints.isEmpty()) {
            throw new IllegalArgumentException(
                    "remote backend needs at least one endpoint (qama.remote.endpoints)");
        }
        this.endpoints = List.copyOf(b.endpoints);
        this.token = b.token;
        this.requestTimeout = b.requestTimeout;
        this.retries = b.retries;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.deadlineMargin = b.deadlineMargin;
        this.deadline = b.deadline;
        this.pollWait = b.pollWait;
        this.solver = b.solver;
        this.fallback = b.fallback;
        this.fallbackName = b.fallbackName;
        this.jitterSeed = b.jitterSeed;
        this.maxVariables = b.maxVariables;
        this.breakerNanos = b.breaker.toNanos();
        this.openUntil = new long[endpoints.size()];
        this.hedgeNanos = b.hedgeAfter == null ? 0 : b.hedgeAfter.toNanos();
        this.hedgePool =
                hedgeNanos == 0 || endpoints.size() < 2
                        ? null
                        : java.util.concurrent.Executors.newCachedThreadPool(
                                r -> {
                                    Thread t = new Thread(r, "qama-remote-attempt");
                                    t.setDaemon(true);
                                    return t;
                                });
        this.http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(b.connectTimeout)
                        .build();
    }

    /** A builder for the given endpoints (base URIs such as {@code http://127.0.0.1:8080}). */
    public static Builder builder(List<URI> endpoints) {
        return new Builder(endpoints);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The endpoints, in round-robin order. */
    public List<URI> endpoints() {
        return endpoints;
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(maxVariables, 0, true, true, false);
    }

    @Override
    public boolean isCapable(Problem problem) {
        return problem.numVariables() <= maxVariables;
    }

    @Override
    public BatchResult solve(SolveRequest request) {
        long t0 = System.nanoTime();
        for (int k = 0; k < request.problems().size(); k++) {
            Problem p = request.problems().get(k);
            if (!isCapable(p)) {
                throw new IllegalArgumentException(
                        "remote backend: problem "
                                + k
                                + " has "
                                + p.numVariables()
                                + " variables; limit "
                                + maxVariables);
            }
        }
        if (request.problems().isEmpty()) {
            Map<String, Double> timing = new LinkedHashMap<>();
            timing.put(BatchResult.TOTAL_SECONDS, (System.nanoTime() - t0) * 1e-9);
            return new BatchResult(NAME, request.seed(), List.of(), timing);
        }
        Call call = new Call();
        if (Thread.interrupted()) {
            call.interrupted = true;
        }
        if (call.interrupted
                || (request.cancellation() != null && request.cancellation().isCancelled())) {
            return unsolved(request, t0, call);
        }
        long tlMillis =
                request.timeLimit() == null ? 0 : Math.max(1, request.timeLimit().toMillis());
        JobRequest jr =
                new JobRequest(
                        request.problems(),
                        request.seed(),
                        request.reads(),
                        tlMillis,
                        solver,
                        request.initialStates(),
                        request.problemSeeds());
        byte[] body = WireCodec.encodeRequest(jr);
        String id = WireCodec.jobId(body);
        long budget =
                request.timeLimit() == null
                        ? deadline.toNanos()
                        : request.timeLimit().toNanos() + deadlineMargin.toNanos();
        long deadlineNanos = t0 + budget;
        long batch = batches.getAndIncrement();
        int start = (int) Math.floorMod(batch, (long) endpoints.size());
        SplittableRandom jitter = new SplittableRandom(Seeds.forStream(jitterSeed, batch));
        String last = "no attempt was made";
        int attempts = 0;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                last = "deadline of " + seconds(budget) + " s passed; " + last;
                break;
            }
            int epIndex = pick(start + attempt);
            URI ep = endpoints.get(epIndex);
            attempts++;
            long a0 = System.nanoTime();
            try {
                JobResult jres;
                if (hedgePool != null) {
                    Won w = runHedged(epIndex, start + attempt, body, id, deadlineNanos, request);
                    if (w.interrupted) {
                        call.interrupted = true;
                    }
                    epIndex = w.index;
                    ep = endpoints.get(epIndex);
                    jres = w.result;
                } else {
                    jres = runOnce(ep, body, id, deadlineNanos, request, call);
                }
                if (jres == null) {
                    return unsolved(request, t0, call);
                }
                List<SolveResult> results = validate(ep, request, jres);
                closeCircuit(epIndex);
                if (call.interrupted) {
                    Thread.currentThread().interrupt();
                }
                long now = System.nanoTime();
                Map<String, Double> timing = new LinkedHashMap<>();
                timing.put(BatchResult.TOTAL_SECONDS, (now - t0) * 1e-9);
                timing.put(BatchResult.SOLVE_SECONDS, jres.solveSeconds());
                timing.put(BatchResult.QUEUE_SECONDS, jres.queueSeconds());
                timing.put(
                        BatchResult.TRANSFER_SECONDS,
                        Math.max(0, (now - a0) * 1e-9 - jres.solveSeconds() - jres.queueSeconds()));
                timing.put("retry_seconds", (a0 - t0) * 1e-9);
                timing.put("attempts", (double) attempts);
                return new BatchResult("remote[" + base(ep) + "]", request.seed(), results, timing);
            } catch (Transient e) {
                last = base(ep) + ": " + e.getMessage();
                if (!e.deadlinePassed) {
                    openCircuit(epIndex, e.retryAfterNanos);
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "remote endpoint {0} failed (attempt {1} of {2}, job {3}): {4}",
                        base(ep),
                        attempt + 1,
                        retries + 1,
                        id.substring(0, 12),
                        e.getMessage());
                if (e.deadlinePassed) {
                    break;
                }
                if (attempt < retries) {
                    long wait = backoffNanos(attempt, jitter);
                    if (e.retryAfterNanos > 0) {
                        wait = Math.max(wait, e.retryAfterNanos);
                    }
                    long remaining = deadlineNanos - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    if (!sleep(Math.min(wait, remaining))) {
                        call.interrupted = true;
                        return unsolved(request, t0, call);
                    }
                }
            } catch (Permanent e) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "remote endpoint {0} refused job {1}: {2}",
                        base(ep),
                        id.substring(0, 12),
                        e.getMessage());
                throw new SolverException(
                        "remote endpoint " + base(ep) + " refused the batch: " + e.getMessage());
            }
        }
        String msg =
                "remote backend: no endpoint of "
                        + endpoints
                        + " solved the batch ("
                        + attempts
                        + " attempt(s), deadline "
                        + seconds(budget)
                        + " s); last failure: "
                        + last;
        if (fallback != null) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}; solving it with the local fallback backend ''{1}''",
                    msg,
                    fallbackName);
            long f0 = System.nanoTime();
            BatchResult fb = fallback.solve(request);
            Map<String, Double> timing = new LinkedHashMap<>(fb.timing());
            timing.put(BatchResult.TOTAL_SECONDS, (System.nanoTime() - t0) * 1e-9);
            timing.put("retry_seconds", (f0 - t0) * 1e-9);
            timing.put("attempts", (double) attempts);
            return new BatchResult(
                    "remote→fallback:" + fallbackName, request.seed(), fb.results(), timing);
        }
        throw new SolverException(msg);
    }

    /**
     * The endpoint for the given attempt slot: the first endpoint from {@code slot} on (round
     * robin) whose circuit is closed, or, when every circuit is open, the one that reopens first.
     */
    private int pick(int slot) {
        int e = endpoints.size();
        long now = System.nanoTime();
        int best = -1;
        long bestUntil = Long.MAX_VALUE;
        synchronized (openUntil) {
            for (int i = 0; i < e; i++) {
                int k = (slot + i) % e;
                long until = openUntil[k];
                if (until == 0 || until - now <= 0) {
                    return k;
                }
                if (best < 0 || until - bestUntil < 0) {
                    best = k;
                    bestUntil = until;
                }
            }
        }
        return best;
    }

    /** Opens an endpoint's circuit: later batches avoid it for the breaker period. */
    private void openCircuit(int k, long retryAfterNanos) {
        if (breakerNanos == 0) {
            return;
        }
        long until = System.nanoTime() + Math.max(breakerNanos, retryAfterNanos);
        synchronized (openUntil) {
            openUntil[k] = until == 0 ? 1 : until;
        }
    }

    private void closeCircuit(int k) {
        synchronized (openUntil) {
            openUntil[k] = 0;
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos * 1e-9);
    }

    private long backoffNanos(int attempt, SplittableRandom jitter) {
        double base = backoff.toNanos() * Math.pow(2, Math.min(attempt, 30));
        double capped = Math.min(base, maxBackoff.toNanos());
        return (long) (capped * (0.5 + jitter.nextDouble()));
    }

    /** Sleeps; false if interrupted. */
    private static boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * The answer to a batch cancelled or interrupted before any server returned states: the warm
     * start (or the all-low state) of each problem, with status INTERRUPTED, as the SPI asks for
     * ("the best states seen so far"); no server result is claimed ({@code backend()} is {@code
     * "remote"}).
     */
    private BatchResult unsolved(SolveRequest request, long t0, Call call) {
        List<SolveResult> out = new ArrayList<>();
        for (int k = 0; k < request.problems().size(); k++) {
            Problem p = request.problems().get(k);
            byte[] init = request.initialStates() == null ? null : request.initialStates().get(k);
            byte[][] reads = new byte[request.reads()][];
            for (int r = 0; r < reads.length; r++) {
                if (init != null) {
                    reads[r] = init.clone();
                } else {
                    reads[r] = new byte[p.numVariables()];
                    java.util.Arrays.fill(reads[r], p.vartype().low());
                }
            }
            out.add(
                    SolveResult.of(
                            p,
                            reads,
                            dev.qama.core.spi.SolveStatus.INTERRUPTED,
                            request.problemSeed(k)));
        }
        if (call.interrupted) {
            Thread.currentThread().interrupt();
        }
        Map<String, Double> timing = new LinkedHashMap<>();
        timing.put(BatchResult.TOTAL_SECONDS, (System.nanoTime() - t0) * 1e-9);
        return new BatchResult(NAME, request.seed(), out, timing);
    }

    /** The outcome of a hedged attempt: who answered, and what (null when interrupted). */
    private record Won(int index, JobResult result, boolean interrupted) {}

    /**
     * One attempt with hedging: the job runs on endpoint {@code first}; when it has not answered
     * after the hedge delay, the same job (same id) is also started on the next endpoint whose
     * circuit is closed, and the first valid answer wins. The other attempt is stopped (its job
     * cancelled on its server). An interrupt of the calling thread stops both and gives a null
     * result (the caller then answers without server states).
     */
    private Won runHedged(
            int first, int slot, byte[] body, String id, long deadlineNanos, SolveRequest sr)
            throws Transient, Permanent {
        java.util.concurrent.ExecutorCompletionService<Won> cs =
                new java.util.concurrent.ExecutorCompletionService<>(hedgePool);
        Map<java.util.concurrent.Future<Won>, Integer> running = new java.util.HashMap<>();
        running.put(cs.submit(() -> attemptOn(first, body, id, deadlineNanos, sr)), first);
        long hedgeAt = System.nanoTime() + hedgeNanos;
        boolean hedged = false;
        try {
            while (true) {
                long now = System.nanoTime();
                if (deadlineNanos - now <= 0) {
                    Transient t = new Transient("batch deadline passed while waiting for job", 0);
                    t.deadlinePassed = true;
                    throw t;
                }
                long until = hedged ? deadlineNanos : Math.min(hedgeAt, deadlineNanos);
                java.util.concurrent.Future<Won> done =
                        cs.poll(
                                Math.max(0, until - now),
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                if (done == null) {
                    if (!hedged && System.nanoTime() - hedgeAt >= 0) {
                        hedged = true;
                        int second = pick(slot + 1);
                        if (second != first) {
                            LOG.log(
                                    System.Logger.Level.INFO,
                                    "remote endpoint {0} has not answered job {1} after {2} s;"
                                            + " also starting it on {3}",
                                    base(endpoints.get(first)),
                                    id.substring(0, 12),
                                    seconds(hedgeNanos),
                                    base(endpoints.get(second)));
                            running.put(
                                    cs.submit(() -> attemptOn(second, body, id, deadlineNanos, sr)),
                                    second);
                        }
                    }
                    continue;
                }
                int idx = running.remove(done);
                try {
                    return done.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Transient t && !running.isEmpty()) {
                        if (!t.deadlinePassed) {
                            openCircuit(idx, t.retryAfterNanos);
                        }
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "remote endpoint {0} failed (job {1}), waiting for {2}: {3}",
                                base(endpoints.get(idx)),
                                id.substring(0, 12),
                                base(endpoints.get(running.values().iterator().next())),
                                t.getMessage());
                        continue;
                    }
                    if (c instanceof Transient t) {
                        throw t;
                    }
                    if (c instanceof Permanent p) {
                        throw p;
                    }
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new SolverException("remote attempt failed: " + c);
                }
            }
        } catch (InterruptedException e) {
            return new Won(first, null, true);
        } finally {
            for (java.util.concurrent.Future<Won> f : running.keySet()) {
                f.cancel(true);
            }
        }
    }

    private Won attemptOn(int k, byte[] body, String id, long deadlineNanos, SolveRequest sr)
            throws Transient, Permanent {
        Call c = new Call();
        JobResult r = runOnce(endpoints.get(k), body, id, deadlineNanos, sr, c);
        return new Won(k, r, false);
    }

    /** Per-call state. */
    private static final class Call {
        boolean interrupted;
    }

    /** The base URI without a trailing slash. */
    static String base(URI ep) {
        String s = ep.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private HttpRequest.Builder req(URI ep, String path, long deadlineNanos, Duration extra) {
        long remaining = Math.max(1_000_000, deadlineNanos - System.nanoTime());
        Duration t = requestTimeout.plus(extra);
        if (t.toNanos() > remaining) {
            t = Duration.ofNanos(remaining);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(ep) + path)).timeout(t);
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /**
     * Sends and reads the whole answer, body included, within the request's timeout (the request
     * timeout plus any long-poll wait, never past the batch deadline): {@link HttpClient}'s own
     * timeout ends when the response headers arrive, so a server that sends headers and then stalls
     * would otherwise hold the batch. Null if the calling thread was interrupted (recorded in
     * {@code call}).
     */
    private HttpResponse<byte[]> send(URI ep, HttpRequest r, long deadlineNanos, Call call)
            throws Transient {
        long limit = r.timeout().orElse(requestTimeout).toNanos();
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> f =
                http.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return f.get(limit, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            Transient t =
                    new Transient(
                            "no complete answer (headers and body) within " + seconds(limit) + " s",
                            0);
            t.deadlinePassed = System.nanoTime() - deadlineNanos >= 0;
            throw t;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            Transient t =
                    new Transient(
                            (c instanceof java.net.http.HttpTimeoutException ? "timed out: " : "")
                                    + c.getClass().getSimpleName()
                                    + (c.getMessage() == null ? "" : ": " + c.getMessage()),
                            0);
            t.deadlinePassed = System.nanoTime() - deadlineNanos >= 0;
            throw t;
        } catch (InterruptedException e) {
            f.cancel(true);
            call.interrupted = true;
            return null;
        }
    }

    /** One attempt on one endpoint; null when interrupted or cancelled before any result. */
    private JobResult runOnce(
            URI ep, byte[] body, String id, long deadlineNanos, SolveRequest sr, Call call)
            throws Transient, Permanent {
        long firstWait =
                Math.max(
                        1,
                        Math.min(
                                pollWait.toMillis(),
                                (deadlineNanos - System.nanoTime()) / 1_000_000));
        HttpRequest post =
                req(
                                ep,
                                "/v1/jobs?wait=" + firstWait + "ms",
                                deadlineNanos,
                                Duration.ofMillis(firstWait))
                        .header("Content-Type", WireCodec.BINARY_TYPE)
                        .header("Accept", WireCodec.BINARY_TYPE)
                        // the id travels with the submit too, so a load balancer can route the
                        // submit and the polls (whose path holds the id) to the same server
                        .header(JOB_ID_HEADER, id)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
        HttpResponse<byte[]> r = send(ep, post, deadlineNanos, call);
        if (r == null) {
            cancelQuietly(ep, id);
            return null;
        }
        if (r.statusCode() != 200 && r.statusCode() != 202) {
            classify(r, "submit");
        }
        String got =
                r.headers()
                        .firstValue(JOB_ID_HEADER)
                        .orElseGet(
                                () -> {
                                    try {
                                        return String.valueOf(json(r).get("id"));
                                    } catch (Permanent e) {
                                        return "(none: " + e.getMessage() + ")";
                                    }
                                });
        if (!got.equals(id)) {
            throw new Permanent(
                    "server job id "
                            + got
                            + " differs from the local content hash "
                            + id
                            + " (protocol mismatch)");
        }
        Poll first = interpret(r, false);
        if (first.result != null) {
            return first.result;
        }
        boolean cancelSent = false;
        while (true) {
            if (!cancelSent
                    && (call.interrupted
                            || Thread.interrupted() && (call.interrupted = true)
                            || (sr.cancellation() != null && sr.cancellation().isCancelled()))) {
                cancelSent = true;
                cancelQuietly(ep, id);
            }
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                cancelQuietly(ep, id);
                Transient t = new Transient("batch deadline passed while waiting for job", 0);
                t.deadlinePassed = true;
                throw t;
            }
            long waitMs = Math.max(1, Math.min(pollWait.toMillis(), remaining / 1_000_000));
            HttpRequest get =
                    req(
                                    ep,
                                    "/v1/jobs/" + id + "?wait=" + waitMs + "ms",
                                    deadlineNanos,
                                    Duration.ofMillis(waitMs))
                            .header("Accept", WireCodec.BINARY_TYPE)
                            .GET()
                            .build();
            HttpResponse<byte[]> g = send(ep, get, deadlineNanos, call);
            if (g == null) {
                continue; // interrupted: cancel on the next turn, then collect the states
            }
            if (g.statusCode() == 404) {
                throw new Transient("job " + id.substring(0, 12) + " unknown to the server", 0);
            }
            if (g.statusCode() != 200) {
                classify(g, "poll");
            }
            Poll p = interpret(g, cancelSent);
            if (p.result != null || p.cancelledEmpty) {
                return p.result;
            }
        }
    }

    /** The header carrying the job id on binary results. */
    static final String JOB_ID_HEADER = "X-Qama-Job-Id";

    /** What one 200 answer says: a result, a cancelled job without states, or still pending. */
    private record Poll(JobResult result, boolean cancelledEmpty) {}

    private static Poll interpret(HttpResponse<byte[]> g, boolean cancelSent)
            throws Permanent, Transient {
        String ct = g.headers().firstValue("Content-Type").orElse("");
        if (ct.startsWith(WireCodec.BINARY_TYPE)) {
            JobResult res;
            try {
                res = WireCodec.decodeResult(g.body());
            } catch (IllegalArgumentException e) {
                throw new Permanent("undecodable result: " + e.getMessage());
            }
            return new Poll(notCancelledBehindOurBack(res, cancelSent), false);
        }
        Map<String, Object> st = json(g);
        String state = String.valueOf(st.get("state"));
        if (state.equals("failed")) {
            throw new Permanent("job failed on the server: " + st.get("error"));
        }
        if (state.equals("cancelled") && !cancelSent) {
            throw new Transient(
                    "job cancelled on the server ("
                            + (st.get("error") == null ? "not by this client" : st.get("error"))
                            + "); its partial states are not a result",
                    0);
        }
        if (state.equals("done") || state.equals("cancelled")) {
            if (st.containsKey("results")) {
                JobResult res;
                try {
                    res = WireCodec.resultFromJson(st);
                } catch (IllegalArgumentException e) {
                    throw new Permanent("undecodable result: " + e.getMessage());
                }
                return new Poll(notCancelledBehindOurBack(res, cancelSent), false);
            }
            if (cancelSent) {
                return new Poll(null, true); // cancelled before it ran: no states from the server
            }
            throw new Permanent("job " + state + " on the server without results");
        }
        return new Poll(null, false); // queued or running
    }

    /**
     * A result some of whose problems were INTERRUPTED although this client did not cancel the job
     * (the server stopped, or another client cancelled it) is the server's partial work, not a
     * solution: a transient failure, so the batch goes to another endpoint.
     */
    private static JobResult notCancelledBehindOurBack(JobResult res, boolean cancelSent)
            throws Transient {
        if (!cancelSent) {
            for (int k = 0; k < res.results().size(); k++) {
                if (res.results().get(k).status() == dev.qama.core.spi.SolveStatus.INTERRUPTED) {
                    throw new Transient(
                            "problem "
                                    + k
                                    + " came back INTERRUPTED although this client did not cancel"
                                    + " the job (server stopping?); its partial states are not a"
                                    + " result",
                            0);
                }
            }
        }
        return res;
    }

    private void cancelQuietly(URI ep, String id) {
        try {
            HttpRequest del =
                    req(ep, "/v1/jobs/" + id, System.nanoTime() + 2_000_000_000L, Duration.ZERO)
                            .DELETE()
                            .build();
            http.sendAsync(del, HttpResponse.BodyHandlers.discarding())
                    .get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "cancel of job {0} on {1} failed: {2}", id, ep, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> json(HttpResponse<byte[]> r) throws Permanent {
        try {
            return JsonValue.parseObject(new String(r.body(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new Permanent(
                    "HTTP " + r.statusCode() + " with a body that is not JSON: " + e.getMessage());
        }
    }

    private static void classify(HttpResponse<byte[]> r, String what) throws Transient, Permanent {
        int c = r.statusCode();
        String msg = new String(r.body(), StandardCharsets.UTF_8);
        try {
            Object e = JsonValue.parseObject(msg).get("error");
            if (e != null) {
                msg = e.toString();
            }
        } catch (IllegalArgumentException ignored) {
            // keep the raw body
        }
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "…";
        }
        String reason = what + ": HTTP " + c + " " + msg;
        if (c == 429 || c == 408 || c >= 500) {
            long ra = 0;
            String h = r.headers().firstValue("Retry-After").orElse(null);
            if (h != null) {
                try {
                    ra = (long) (Double.parseDouble(h.trim()) * 1e9);
                } catch (NumberFormatException ignored) {
                    ra = 0;
                }
            }
            throw new Transient(reason, ra);
        }
        throw new Permanent(reason);
    }

    private List<SolveResult> validate(URI ep, SolveRequest req, JobResult jr) {
        List<Problem> ps = req.problems();
        if (jr.results().size() != ps.size()) {
            throw new SolverException(
                    "remote endpoint "
                            + base(ep)
                            + " returned "
                            + jr.results().size()
                            + " results for "
                            + ps.size()
                            + " problems");
        }
        List<SolveResult> out = new ArrayList<>(ps.size());
        for (int k = 0; k < ps.size(); k++) {
            Problem p = ps.get(k);
            JobResult.ProblemResult pr = jr.results().get(k);
            byte[][] st = pr.states();
            if (st.length != req.reads() || pr.energies().length != st.length) {
                throw new SolverException(
                        "remote endpoint "
                                + base(ep)
                                + " returned "
                                + st.length
                                + " states and "
                                + pr.energies().length
                                + " energies for problem "
                                + k
                                + " but "
                                + req.reads()
                                + " reads were requested");
            }
            for (int r = 0; r < st.length; r++) {
                double local;
                try {
                    local = p.energy(st[r]);
                } catch (IllegalArgumentException e) {
                    throw new SolverException(
                            "remote endpoint "
                                    + base(ep)
                                    + " returned an invalid state for read "
                                    + r
                                    + " of problem "
                                    + k
                                    + ": "
                                    + e.getMessage());
                }
                double remote = pr.energies()[r];
                if (!(Math.abs(local - remote) <= 1e-5 * Math.max(1, Math.abs(local)))) {
                    throw new SolverException(
                            "remote endpoint "
                                    + base(ep)
                                    + " reported energy "
                                    + remote
                                    + " for read "
                                    + r
                                    + " of problem "
                                    + k
                                    + " but the local energy of that state is "
                                    + local);
                }
            }
            out.add(SolveResult.of(p, st, pr.status(), req.problemSeed(k)));
        }
        return out;
    }

    @Override
    public void close() {
        if (hedgePool != null) {
            hedgePool.shutdownNow();
        }
        if (fallback != null) {
            fallback.close();
        }
    }

    @Override
    public String toString() {
        return "RemoteAnnealerBackend" + endpoints;
    }

    /** A failure worth retrying (on the next endpoint). */
    private static final class Transient extends Exception {
        private static final long serialVersionUID = 1L;
        final long retryAfterNanos;
        boolean deadlinePassed;

        Transient(String m, long retryAfterNanos) {
            super(m, null, false, false);
            this.retryAfterNanos = retryAfterNanos;
        }
    }

    /** A failure that retrying cannot fix. */
    private static final class Permanent extends Exception {
        private static final long serialVersionUID = 1L;

        Permanent(String m) {
            super(m, null, false, false);
        }
    }

    /** Settings of a remote backend; every setter validates. */
    public static final class Builder {
        private final List<URI> endpoints;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int retries = 4;
        private Duration backoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration deadlineMargin = Duration.ofSeconds(30);
        private Duration deadline = Duration.ofMinutes(10);
        private Duration pollWait = Duration.ofSeconds(5);
        private String solver = "";
        private AnnealerBackend fallback;
        private String fallbackName;
        private long jitterSeed;
        private int maxVariables = Integer.MAX_VALUE;
        private Duration breaker = Duration.ofSeconds(10);
        private Duration hedgeAfter;

        private Builder(List<URI> endpoints) {
            if (endpoints == null) {
                throw new IllegalArgumentException("endpoint list is null");
            }
            for (URI u : endpoints) {
                if (u == null
                        || u.getScheme() == null
                        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                        || u.getHost() == null) {
                    throw new IllegalArgumentException(
                            "endpoint '" + u + "' is not an http(s)://host[:port] URI");
                }
            }
            this.endpoints = List.copyOf(endpoints);
        }

        /** The bearer token, or null for none. */
        public Builder token(String t) {
            this.token = t;
            return this;
        }

        /** The TCP connect timeout (default 5 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connect timeout");
            return this;
        }

        /** The timeout of one HTTP request, long-poll time excluded (default 30 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "request timeout");
            return this;
        }

        /** Retries after the first attempt (default 4). */
        public Builder retries(int r) {
            if (r < 0 || r > 1000) {
                throw new IllegalArgumentException("retries must be in [0, 1000], got " + r);
            }
            this.retries = r;
            return this;
        }

        /** The first backoff (default 100 ms), doubled per attempt up to {@code max}. */
        public Builder backoff(Duration first, Duration max) {
            this.backoff = positive(first, "backoff");
            this.maxBackoff = positive(max, "max backoff");
            return this;
        }

        /** Added to the request's time limit to make the batch deadline (default 30 s). */
        public Builder deadlineMargin(Duration d) {
            this.deadlineMargin = positive(d, "deadline margin");
            return this;
        }

        /** The batch deadline for requests without a time limit (default 10 min). */
        public Builder deadline(Duration d) {
            this.deadline = positive(d, "deadline");
            return this;
        }

        /** The long-poll wait per GET (default 5 s). */
        public Builder pollWait(Duration d) {
            this.pollWait = positive(d, "poll wait");
            return this;
        }

        /** The server-side backend name ("" = the server's default). */
        public Builder solver(String s) {
            this.solver = s == null ? "" : s;
            return this;
        }

        /** A local backend for batches no endpoint could solve, with the name to report. */
        public Builder fallback(AnnealerBackend b, String name) {
            this.fallback = b;
            this.fallbackName = b == null ? null : (name == null ? b.name() : name);
            return this;
        }

        /** The seed of the backoff jitter (default 0). */
        public Builder jitterSeed(long s) {
            this.jitterSeed = s;
            return this;
        }

        /** The variable limit it advertises (default unlimited; the server has its own). */
        public Builder maxVariables(int m) {
            if (m < 1) {
                throw new IllegalArgumentException("maxVariables must be >= 1, got " + m);
            }
            this.maxVariables = m;
            return this;
        }

        /**
         * How long an endpoint that failed (connection refused or reset, timeout, 5xx, 429, a job
         * cancelled behind the client's back) is avoided by later batches (default 10 s; {@code
         * Duration.ZERO} turns the circuit breaker off). A 429's {@code Retry-After} counts when
         * longer. After the period the endpoint is tried again; a success closes its circuit. When
         * every endpoint's circuit is open, the one that reopens first is tried.
         */
        public Builder circuitBreaker(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("circuit breaker period must be >= 0, got " + d);
            }
            this.breaker = d;
            return this;
        }

        /**
         * Hedging: when the endpoint running a batch has not answered after {@code d}, the same job
         * is also started on the next endpoint (whose circuit is closed) and the first valid answer
         * wins; the other is cancelled. Null (the default) turns hedging off. It costs duplicate
         * work on a slow but healthy server, so choose {@code d} above the usual batch time.
         */
        public Builder hedgeAfter(Duration d) {
            this.hedgeAfter = d == null ? null : positive(d, "hedge delay");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        /** The backend. */
        public RemoteAnnealerBackend build() {
            return new RemoteAnnealerBackend(this);
        }
    }
}
