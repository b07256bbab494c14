package dev.qama.cim.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.qama.core.model.Problem;
import dev.qama.core.remote.JobRequest;
import dev.qama.core.remote.JobResult;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.remote.RemoteProvider;
import dev.qama.core.remote.WireCodec;
import dev.qama.core.spi.AnnealerBackend;
import dev.qama.core.spi.AnnealerProvider;
import dev.qama.core.spi.Annealers;
import dev.qama.core.spi.BatchResult;
import dev.qama.core.spi.Cancellation;
import dev.qama.core.spi.OptionSpec;
import dev.qama.core.spi.SolveRequest;
import dev.qama.core.spi.SolveResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An annealer service over HTTP/1.1 ({@code docs/remote-protocol.md}):
 *
 * <ul>
 *   <li>{@code POST /v1/jobs}: submit a batch (binary {@code application/octet-stream} or {@code
 *       application/json}); answers {@code {"id": …}} where the id is the SHA-256 of the canonical
 *       binary request ({@link WireCodec#jobId}), 202 for a new job, 200 when a job with that id is
 *       already queued, running or done (no duplicate work);
 *   <li>{@code GET /v1/jobs/{id}[?wait=5s]}: the job's state, or its result (binary when the
 *       request accepts {@code application/octet-stream}, else JSON); {@code wait} long-polls;
 *   <li>{@code DELETE /v1/jobs/{id}}: cancels (a queued job is dropped, a running one is stopped
 *       through its {@link Cancellation} and keeps its best states so far);
 *   <li>{@code GET /v1/health} (no token) and {@code GET /v1/info} (solvers, their declared options
 *       and limits).
 * </ul>
 *
 * Bearer-token authentication when a token is configured (401 otherwise), a request size limit
 * (413), a bounded queue (429 with {@code Retry-After}), and every error a JSON body {@code
 * {"error": "…"}}: malformed bodies, wrong sizes and non-finite coefficients are 400 with the
 * decoder's message. A pool of worker threads runs the jobs; {@link #stop(Duration)} stops
 * gracefully. Binds to the loopback address unless told otherwise.
 */
public final class AnnealerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AnnealerServer.class.getName());

    /** Job states as they appear in the JSON {@code state} field. */
    public enum State {
        /** Waiting for a worker. */
        QUEUED,
        /** A worker is solving it. */
        RUNNING,
        /** Solved; the result is available. */
        DONE,
        /** The solver threw; {@code error} says why. */
        FAILED,
        /** Cancelled; a running job keeps the states it had found. */
        CANCELLED;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The response header carrying the job id on binary results. */
    public static final String JOB_ID_HEADER = "X-Qama-Job-Id";

    private final Builder cfg;
    private final Map<String, AnnealerBackend> backends;
    private final String defaultSolver;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final ArrayDeque<String> finished = new ArrayDeque<>();
    private final AtomicLong solved = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private ThreadPoolExecutor workers;
    private ThreadPoolExecutor httpThreads;
    private ExecutorService refuser;
    private java.util.concurrent.ScheduledExecutorService watchdog;
    private final Map<Thread, Phase> phases = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private HttpServer http;
    private volatile boolean stopping;

    private AnnealerServer(Builder b) {
        this.cfg = b;
        if (b.backends.isEmpty()) {
            throw new IllegalArgumentException("annealer server needs at least one backend");
        }
        this.backends = new LinkedHashMap<>(b.backends);
        this.defaultSolver =
                b.defaultSolver != null ? b.defaultSolver : backends.keySet().iterator().next();
        if (!backends.containsKey(defaultSolver)) {
            throw new IllegalArgumentException(
                    "default solver '" + defaultSolver + "' is not among " + backends.keySet());
        }
    }

    /** A builder with nothing configured (add backends). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder whose backends come from {@link Annealers}: the named ones, or (empty list) the
     * highest-ranked provider on the class path. The first is the default.
     */
    public static Builder fromAnnealers(List<String> names) {
        Builder b = new Builder();
        List<String> ns = names == null || names.isEmpty() ? List.of(defaultLocal()) : names;
        for (String n : ns) {
            String canonical = Annealers.provider(n).name();
            if (canonical.equals("remote")) {
                throw new IllegalArgumentException(
                        "the annealer server runs local backends; 'remote' cannot be served");
            }
            b.backend(canonical, Annealers.create(canonical));
        }
        return b;
    }

    private static String defaultLocal() {
        for (var p : Annealers.providers()) {
            if (!p.name().equals("remote") && !p.name().equals("cpqc")) {
                return p.name();
            }
        }
        throw new IllegalStateException("no local annealer backend on the class path");
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException if the address cannot be bound
     */
    public AnnealerServer start() throws IOException {
        InetAddress host = InetAddress.getByName(cfg.host);
        if (cfg.token == null && !host.isLoopbackAddress()) {
            if (!cfg.insecure) {
                throw new IllegalStateException(
                        "refusing to serve on the non-loopback address "
                                + cfg.host
                                + " without a bearer token: anyone who can reach it could submit"
                                + " and cancel jobs; give a token (--token-file) or, on a trusted"
                                + " network, --insecure");
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "annealer server on {0} without a token (insecure): anyone who can reach it"
                            + " can submit and cancel jobs",
                    cfg.host);
        }
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
        // algorithm and delayed ACKs add ~40 ms to every small answer. The property is read once,
        // when the first server is created in this JVM; an explicit setting is respected.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        http = HttpServer.create(new InetSocketAddress(host, cfg.port), 128);
        AtomicInteger n = new AtomicInteger();
        // one thread per open exchange, at most maxConnections; beyond that a connection is closed
        // at once (never queued behind slow clients), so a thread is always free for /v1/health
        // while fewer than maxConnections clients are being served
        httpThreads =
                new ThreadPoolExecutor(
                        0,
                        cfg.maxConnections,
                        30,
                        TimeUnit.SECONDS,
                        new java.util.concurrent.SynchronousQueue<>(),
                        r -> {
                            Thread t = new Thread(r, "qama-http-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        refuser =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "qama-http-refuse");
                            t.setDaemon(true);
                            return t;
                        });
        watchdog =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "qama-http-watchdog");
                            t.setDaemon(true);
                            return t;
                        });
        long tick =
                Math.max(
                        10,
                        Math.min(
                                250,
                                Math.min(cfg.headerTimeout.toMillis(), cfg.bodyTimeout.toMillis())
                                        / 5));
        watchdog.scheduleWithFixedDelay(this::cutSlowExchanges, tick, tick, TimeUnit.MILLISECONDS);
        AtomicInteger w = new AtomicInteger();
        workers =
                new ThreadPoolExecutor(
                        cfg.workers,
                        cfg.workers,
                        0,
                        TimeUnit.SECONDS,
                        new ArrayBlockingQueue<>(cfg.queue),
                        r -> {
                            Thread t = new Thread(r, "qama-solver-" + w.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        http.setExecutor(this::dispatch);
        http.createContext("/", this::handle);
        http.start();
        LOG.log(System.Logger.Level.INFO, "annealer server listening on {0}", uri());
        return this;
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:43127}. */
    public URI uri() {
        InetSocketAddress a = address();
        String h = a.getAddress().getHostAddress();
        if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return URI.create("http://" + h + ":" + a.getPort());
    }

    /** The number of jobs a worker has run to the end (for monitoring and tests). */
    public long solvedJobs() {
        return solved.get();
    }

    /** The number of jobs being solved now. */
    public int runningJobs() {
        return running.get();
    }

    /**
     * Stops: refuses new jobs (503), lets running and queued jobs finish for up to {@code grace},
     * then cancels what is left and closes the listener. {@code Duration.ZERO} stops at once
     * (connections are closed first, then running jobs cancelled).
     */
    public void stop(Duration grace) {
        stopping = true;
        if (http == null) {
            return;
        }
        if (grace.isZero() || grace.isNegative()) {
            http.stop(0);
            workers.shutdownNow();
            cancelAll();
        } else {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    cancelAll();
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelAll();
                workers.shutdownNow();
            }
            http.stop(1);
        }
        httpThreads.shutdownNow();
        refuser.shutdownNow();
        watchdog.shutdownNow();
        for (AnnealerBackend b : backends.values()) {
            b.close();
        }
        LOG.log(System.Logger.Level.INFO, "annealer server stopped");
    }

    private void cancelAll() {
        synchronized (jobs) {
            for (Job j : jobs.values()) {
                j.cancel.cancel();
                j.stoppedByServer = true;
                if (j.state == State.QUEUED) {
                    j.finish(State.CANCELLED, null, "server stopped");
                }
            }
        }
    }

    /** Stops with a 5-second grace period. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    /** Exchanges closed for exceeding the header or body timeout (for monitoring and tests). */
    public long timedOutExchanges() {
        return timedOut.get();
    }

    /** Connections closed at once because {@code maxConnections} were open. */
    public long refusedConnections() {
        return refused.get();
    }

    // ------------------------------------------------------------------ HTTP timeouts

    /**
     * A guarded phase of an exchange (reading the request headers, reading the body, writing the
     * answer) with its deadline. The watchdog interrupts a thread past its deadline; the JDK server
     * reads and writes through interruptible socket channels, so the interrupt closes the
     * connection and frees the thread.
     */
    private static final class Phase {
        final String what;
        final long deadline;
        boolean over;
        boolean interrupted;

        Phase(String what, Duration limit) {
            this.what = what;
            this.deadline = System.nanoTime() + limit.toNanos();
        }
    }

    /** The server's executor: one thread per exchange up to the bound, else the connection ends. */
    private void dispatch(Runnable exchange) {
        try {
            httpThreads.execute(
                    () -> {
                        enter("request headers", cfg.headerTimeout);
                        try {
                            exchange.run();
                        } finally {
                            leave();
                            Thread.interrupted(); // never leak an interrupt to the next exchange
                        }
                    });
        } catch (RejectedExecutionException full) {
            refused.incrementAndGet();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0} connections open (the limit); closing a new one",
                    cfg.maxConnections);
            try {
                // run the exchange interrupted: its first read fails and the JDK closes the socket
                refuser.execute(
                        () -> {
                            Thread.currentThread().interrupt();
                            try {
                                exchange.run();
                            } finally {
                                Thread.interrupted();
                            }
                        });
            } catch (RejectedExecutionException stopped) {
                // the server is stopping: its listener closes the connection
            }
        }
    }

    private void enter(String what, Duration limit) {
        phases.put(Thread.currentThread(), new Phase(what, limit));
    }

    /** Ends the current guarded phase; true if it had timed out (its interrupt is cleared). */
    private boolean leave() {
        Phase p = phases.remove(Thread.currentThread());
        if (p == null) {
            return false;
        }
        synchronized (p) {
            p.over = true;
            if (p.interrupted) {
                Thread.interrupted();
                return true;
            }
        }
        return false;
    }

    private void cutSlowExchanges() {
        long now = System.nanoTime();
        for (Map.Entry<Thread, Phase> e : phases.entrySet()) {
            Phase p = e.getValue();
            synchronized (p) {
                if (!p.over && !p.interrupted && now - p.deadline >= 0) {
                    p.interrupted = true;
                    timedOut.incrementAndGet();
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "closing a connection: {0} took longer than the timeout",
                            p.what);
                    e.getKey().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        leave(); // the request line and headers are in
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/v1/health")) {
                if (!method.equals("GET")) {
                    error(ex, 405, "use GET on /v1/health");
                    return;
                }
                json(ex, 200, Map.of("status", stopping ? "stopping" : "ok"));
                return;
            }
            if (!authorised(ex)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                error(
                        ex,
                        401,
                        ex.getRequestHeaders().getFirst("Authorization") == null
                                ? "missing bearer token (Authorization: Bearer ...)"
                                : "wrong bearer token");
                return;
            }
            if (path.equals("/v1/info")) {
                if (!method.equals("GET")) {
                    error(ex, 405, "use GET on /v1/info");
                    return;
                }
                json(ex, 200, info());
                return;
            }
            if (path.equals("/v1/jobs") || path.equals("/v1/jobs/")) {
                if (!method.equals("POST")) {
                    error(ex, 405, "use POST on /v1/jobs to submit a job");
                    return;
                }
                submit(ex);
                return;
            }
            if (path.startsWith("/v1/jobs/")) {
                String id = path.substring("/v1/jobs/".length());
                if (method.equals("GET")) {
                    poll(ex, id);
                } else if (method.equals("DELETE")) {
                    cancel(ex, id);
                } else {
                    error(ex, 405, "use GET or DELETE on /v1/jobs/{id}");
                }
                return;
            }
            error(ex, 404, "no such endpoint: " + method + " " + path);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "internal error on " + ex.getRequestURI(), e);
            try {
                error(ex, 500, "internal error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the response may already have been started
            }
        }
    }

    private boolean authorised(HttpExchange ex) {
        if (cfg.token == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null) {
            return false;
        }
        byte[] want = ("Bearer " + cfg.token).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(want, h.trim().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Per served solver whose name is a provider's, its declared options (key, type, range,
     * default, doc); the server runs each at the defaults.
     */
    private Map<String, Object> declaredOptions() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String name : backends.keySet()) {
            AnnealerProvider p;
            try {
                p = Annealers.provider(name);
            } catch (IllegalArgumentException e) {
                continue; // a backend added in code under a name of its own
            }
            List<Map<String, Object>> specs = new ArrayList<>();
            for (OptionSpec o : p.options()) {
                specs.add(o.toMap());
            }
            m.put(name, specs);
        }
        return m;
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", WireCodec.VERSION);
        m.put("solvers", new ArrayList<>(backends.keySet()));
        m.put("defaultSolver", defaultSolver);
        m.put("options", declaredOptions());
        m.put("maxSpins", cfg.maxSpins);
        m.put("couplingBits", 0);
        m.put("couplingPrecision", "float32");
        m.put("encodings", List.of(WireCodec.BINARY_TYPE, WireCodec.JSON_TYPE));
        m.put("maxBodyBytes", cfg.maxBodyBytes);
        m.put("maxReads", cfg.maxReads);
        m.put("maxConnections", cfg.maxConnections);
        m.put("headerTimeoutSeconds", cfg.headerTimeout.toMillis() / 1000.0);
        m.put("bodyTimeoutSeconds", cfg.bodyTimeout.toMillis() / 1000.0);
        m.put("workers", cfg.workers);
        m.put("queueCapacity", cfg.queue);
        m.put("queued", workers.getQueue().size());
        m.put("running", running.get());
        m.put("solvedJobs", solved.get());
        return m;
    }

    private void submit(HttpExchange ex) throws IOException {
        if (stopping) {
            ex.getResponseHeaders().add("Retry-After", Integer.toString(cfg.retryAfterSeconds));
            error(ex, 503, "server is stopping");
            return;
        }
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len.trim()) > cfg.maxBodyBytes) {
                    error(ex, 413, tooLarge(Long.parseLong(len.trim())));
                    return;
                }
            } catch (NumberFormatException e) {
                error(ex, 400, "Content-Length '" + len + "' is not a number");
                return;
            }
        }
        byte[] body;
        enter("request body", cfg.bodyTimeout);
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(cfg.maxBodyBytes + 1);
        } finally {
            if (leave()) {
                throw new IOException("request body not read within " + cfg.bodyTimeout);
            }
        }
        if (body.length > cfg.maxBodyBytes) {
            error(ex, 413, tooLarge(body.length));
            return;
        }
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        JobRequest req;
        try {
            if (ct != null && ct.toLowerCase(Locale.ROOT).startsWith(WireCodec.JSON_TYPE)) {
                req = WireCodec.requestFromJson(new String(body, StandardCharsets.UTF_8));
            } else if (ct == null
                    || ct.toLowerCase(Locale.ROOT).startsWith(WireCodec.BINARY_TYPE)) {
                req = WireCodec.decodeRequest(body);
            } else {
                error(
                        ex,
                        415,
                        "Content-Type '"
                                + ct
                                + "' is not "
                                + WireCodec.BINARY_TYPE
                                + " or "
                                + WireCodec.JSON_TYPE);
                return;
            }
        } catch (IllegalArgumentException e) {
            error(ex, 400, "malformed job: " + e.getMessage());
            return;
        }
        String solver = req.solver().isEmpty() ? defaultSolver : req.solver();
        AnnealerBackend backend = backends.get(solver);
        if (backend == null) {
            error(
                    ex,
                    400,
                    "solver '" + solver + "' is not served here; allowed: " + backends.keySet());
            return;
        }
        if (req.reads() > cfg.maxReads) {
            error(
                    ex,
                    400,
                    "reads = " + req.reads() + " exceeds this server's limit " + cfg.maxReads);
            return;
        }
        for (int k = 0; k < req.problems().size(); k++) {
            Problem p = req.problems().get(k);
            if (p.numVariables() > cfg.maxSpins) {
                error(
                        ex,
                        400,
                        "problem "
                                + k
                                + " has "
                                + p.numVariables()
                                + " variables; this server's limit is "
                                + cfg.maxSpins
                                + " (--max-spins)");
                return;
            }
            if (!backend.isCapable(p)) {
                error(
                        ex,
                        400,
                        "solver '"
                                + solver
                                + "' cannot take problem "
                                + k
                                + " ("
                                + p
                                + "; its limit is "
                                + backend.capabilities().maxVariables()
                                + " variables)");
                return;
            }
        }
        String id = WireCodec.jobId(req);
        String claimed = ex.getRequestHeaders().getFirst(JOB_ID_HEADER);
        if (claimed != null && !claimed.trim().equals(id)) {
            // a load balancer routes the submit by this header and the polls by the id in their
            // path: a header that is not the content hash would send the polls to another server
            error(
                    ex,
                    400,
                    JOB_ID_HEADER
                            + " header '"
                            + dev.qama.core.io.FormatException.printable(
                                    claimed.length() > 80
                                            ? claimed.substring(0, 80) + "…"
                                            : claimed)
                            + "' is not this job's id "
                            + id
                            + " (the SHA-256 of the request's binary encoding); a balancer"
                            + " routing by it would send the job's polls to another server");
            return;
        }
        Job job;
        boolean fresh;
        synchronized (jobs) {
            Job old = jobs.get(id);
            if (old != null && old.state != State.FAILED && old.state != State.CANCELLED) {
                job = old;
                fresh = false;
            } else {
                job = new Job(id, req, backend, solver);
                try {
                    workers.execute(job);
                } catch (RejectedExecutionException e) {
                    ex.getResponseHeaders()
                            .add("Retry-After", Integer.toString(cfg.retryAfterSeconds));
                    error(
                            ex,
                            429,
                            "queue full ("
                                    + cfg.queue
                                    + " waiting jobs, "
                                    + cfg.workers
                                    + " workers); retry later");
                    return;
                }
                jobs.put(id, job);
                fresh = true;
            }
        }
        String q = ex.getRequestURI().getQuery();
        if (q != null && q.contains("wait=")) {
            // submit-and-wait: answer like GET /v1/jobs/{id}?wait=… (one round trip for short jobs)
            poll(ex, id);
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", job.state.json());
        json(ex, fresh ? 202 : 200, m);
    }

    private String tooLarge(long n) {
        return "request body of "
                + n
                + " bytes exceeds the limit of "
                + cfg.maxBodyBytes
                + " bytes";
    }

    private Job find(String id) {
        synchronized (jobs) {
            return jobs.get(id);
        }
    }

    private void poll(HttpExchange ex, String id) throws IOException {
        Job job = find(id);
        if (job == null) {
            error(ex, 404, "no job with id '" + id + "' (unknown, expired or server restarted)");
            return;
        }
        String q = ex.getRequestURI().getQuery();
        if (q != null) {
            for (String part : q.split("&")) {
                if (part.startsWith("wait=")) {
                    Duration wait;
                    try {
                        String v = part.substring(5);
                        wait =
                                v.matches("[0-9.]+")
                                        ? Duration.ofMillis((long) (Double.parseDouble(v) * 1000))
                                        : RemoteProvider.parseDuration(v);
                    } catch (IllegalArgumentException e) {
                        error(ex, 400, "bad wait parameter '" + part + "': " + e.getMessage());
                        return;
                    }
                    if (wait.compareTo(cfg.maxWait) > 0) {
                        wait = cfg.maxWait;
                    }
                    try {
                        job.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException | ExecutionException e) {
                        // answer with the current state
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        error(ex, 503, "server is stopping");
                        return;
                    }
                }
            }
        }
        State st = job.state;
        JobResult res = job.result;
        if (st == State.CANCELLED && job.stoppedByServer) {
            // the partial states of a job this server gave up on are not an answer
            ex.getResponseHeaders().add("Retry-After", Integer.toString(cfg.retryAfterSeconds));
            error(
                    ex,
                    503,
                    "server stopped before job '"
                            + id
                            + "' finished; it was cancelled: submit it elsewhere");
            return;
        }
        String accept = ex.getRequestHeaders().getFirst("Accept");
        if (res != null
                && (st == State.DONE || st == State.CANCELLED)
                && accept != null
                && accept.contains(WireCodec.BINARY_TYPE)) {
            byte[] b = WireCodec.encodeResult(res);
            ex.getResponseHeaders().set("Content-Type", WireCodec.BINARY_TYPE);
            ex.getResponseHeaders().set(JOB_ID_HEADER, id);
            answer(ex, 200, b);
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", st.json());
        m.put("solver", job.solver);
        if (job.error != null) {
            m.put("error", job.error);
        }
        if (res != null) {
            m.putAll(WireCodec.resultJson(res));
        }
        json(ex, 200, m);
    }

    private void cancel(HttpExchange ex, String id) throws IOException {
        Job job = find(id);
        if (job == null) {
            error(ex, 404, "no job with id '" + id + "'");
            return;
        }
        job.cancel.cancel();
        if (workers.remove(job)) {
            job.finish(State.CANCELLED, null, null);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", job.state.json());
        m.put("cancelled", true);
        json(ex, 200, m);
    }

    private void json(HttpExchange ex, int code, Map<String, ?> body) throws IOException {
        byte[] b = JsonValue.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        answer(ex, code, b);
    }

    /** Writes an answer within the body timeout (a client that does not read is cut off). */
    private void answer(HttpExchange ex, int code, byte[] b) throws IOException {
        enter("response", cfg.bodyTimeout);
        try {
            ex.sendResponseHeaders(code, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        } finally {
            if (leave()) {
                throw new IOException("response not written within " + cfg.bodyTimeout);
            }
        }
    }

    private void error(HttpExchange ex, int code, String message) throws IOException {
        json(ex, code, Map.of("error", message));
    }

    // ------------------------------------------------------------------ jobs

    private final class Job implements Runnable {
        final String id;
        final JobRequest req;
        final AnnealerBackend backend;
        final String solver;
        final Cancellation cancel = new Cancellation();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final long submitted = System.nanoTime();
        volatile State state = State.QUEUED;
        volatile JobResult result;
        volatile String error;
        volatile boolean stoppedByServer;

        Job(String id, JobRequest req, AnnealerBackend backend, String solver) {
            this.id = id;
            this.req = req;
            this.backend = backend;
            this.solver = solver;
        }

        @Override
        public void run() {
            if (cancel.isCancelled()) {
                finish(State.CANCELLED, null, null);
                return;
            }
            state = State.RUNNING;
            running.incrementAndGet();
            long started = System.nanoTime();
            try {
                SolveRequest sr =
                        SolveRequest.builder(req.problems())
                                .seed(req.seed())
                                .reads(req.reads())
                                .timeLimit(
                                        req.timeLimitMillis() > 0
                                                ? Duration.ofMillis(req.timeLimitMillis())
                                                : null)
                                .cancellation(cancel)
                                .initialStates(req.initialStates())
                                .problemSeeds(req.problemSeeds())
                                .build();
                BatchResult br = backend.solve(sr);
                List<JobResult.ProblemResult> out = new ArrayList<>(br.size());
                for (SolveResult r : br.results()) {
                    byte[][] st = new byte[r.size()][];
                    for (int k = 0; k < st.length; k++) {
                        st[k] = r.state(k);
                    }
                    out.add(new JobResult.ProblemResult(r.status(), st, r.energies()));
                }
                long end = System.nanoTime();
                JobResult jr =
                        new JobResult(
                                br.backend(),
                                out,
                                (end - started) * 1e-9,
                                (started - submitted) * 1e-9);
                solved.incrementAndGet();
                finish(cancel.isCancelled() ? State.CANCELLED : State.DONE, jr, null);
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "job " + id + " failed", e);
                finish(State.FAILED, null, String.valueOf(e.getMessage()));
            } finally {
                running.decrementAndGet();
            }
        }

        void finish(State s, JobResult r, String err) {
            result = r;
            error = err;
            state = s;
            done.complete(null);
            synchronized (jobs) {
                finished.addLast(id);
                while (finished.size() > cfg.maxRetainedJobs) {
                    String old = finished.removeFirst();
                    Job j = jobs.get(old);
                    if (j != null && j.done.isDone() && j != this) {
                        jobs.remove(old);
                    }
                }
            }
        }
    }

    /** Settings; every setter validates. */
    public static final class Builder {
        private final Map<String, AnnealerBackend> backends = new LinkedHashMap<>();
        private String defaultSolver;
        private String host = "127.0.0.1";
        private int port;
        private String token;
        private int maxBodyBytes = 64 << 20;
        private int maxSpins = 4096;
        private int maxReads = 4096;
        private int queue = 64;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int maxConnections = 128;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyTimeout = Duration.ofSeconds(60);
        private boolean insecure;
        private int retryAfterSeconds = 1;
        private int maxRetainedJobs = 4096;
        private Duration maxWait = Duration.ofSeconds(30);

        private Builder() {}

        /** Serves {@code backend} under {@code name} (the first one added is the default). */
        public Builder backend(String name, AnnealerBackend backend) {
            if (name == null || name.isBlank() || backend == null) {
                throw new IllegalArgumentException("backend name and instance are required");
            }
            backends.put(name, backend);
            return this;
        }

        /** The backend used when a job names none. */
        public Builder defaultSolver(String name) {
            this.defaultSolver = name;
            return this;
        }

        /** The address to bind (default 127.0.0.1: loopback only). */
        public Builder host(String h) {
            this.host = h;
            return this;
        }

        /** The port (0 = an ephemeral port). */
        public Builder port(int p) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + p);
            }
            this.port = p;
            return this;
        }

        /** The bearer token clients must send, or null for none. */
        public Builder token(String t) {
            this.token = t == null || t.isBlank() ? null : t.trim();
            return this;
        }

        /** The request body limit in bytes (default 64 MiB). */
        public Builder maxBodyBytes(int n) {
            this.maxBodyBytes = atLeast(n, 64, "max body bytes");
            return this;
        }

        /** The largest problem accepted, in variables (default 4096). */
        public Builder maxSpins(int n) {
            this.maxSpins = atLeast(n, 1, "max spins");
            return this;
        }

        /** The most reads per problem accepted (default 4096). */
        public Builder maxReads(int n) {
            this.maxReads = atLeast(n, 1, "max reads");
            return this;
        }

        /** Jobs that may wait for a worker (default 64); more get 429. */
        public Builder queue(int n) {
            this.queue = atLeast(n, 1, "queue capacity");
            return this;
        }

        /** Worker threads, i.e. jobs solved at once (default half the processors). */
        public Builder workers(int n) {
            this.workers = atLeast(n, 1, "workers");
            return this;
        }

        /**
         * Connections served at once (default 128), one thread each while its request is read and
         * answered (long polls included); a connection beyond the limit is closed at once.
         */
        public Builder maxConnections(int n) {
            this.maxConnections = atLeast(n, 2, "max connections");
            return this;
        }

        /**
         * How long a client may take to send the request line and headers (default 10 s), counted
         * from its first byte; a slower one is disconnected.
         */
        public Builder headerTimeout(Duration d) {
            this.headerTimeout = positive(d, "header timeout");
            return this;
        }

        /**
         * How long reading a request body, and writing an answer, may take (default 60 s); a slower
         * client is disconnected.
         */
        public Builder bodyTimeout(Duration d) {
            this.bodyTimeout = positive(d, "body timeout");
            return this;
        }

        /**
         * Allows serving on a non-loopback address without a token ({@link #start} refuses that
         * otherwise); the server then logs a warning.
         */
        public Builder insecure(boolean b) {
            this.insecure = b;
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        /** The Retry-After of a 429 or 503, seconds (default 1). */
        public Builder retryAfterSeconds(int s) {
            this.retryAfterSeconds = atLeast(s, 1, "retry-after seconds");
            return this;
        }

        /** Finished jobs kept for polling (default 4096; oldest dropped first). */
        public Builder maxRetainedJobs(int n) {
            this.maxRetainedJobs = atLeast(n, 1, "max retained jobs");
            return this;
        }

        /** The longest long-poll (default 30 s). */
        public Builder maxWait(Duration d) {
            this.maxWait = d;
            return this;
        }

        private static int atLeast(int v, int min, String what) {
            if (v < min) {
                throw new IllegalArgumentException(what + " must be >= " + min + ", got " + v);
            }
            return v;
        }

        /** The server (not started). */
        public AnnealerServer build() {
            return new AnnealerServer(this);
        }
    }
}
