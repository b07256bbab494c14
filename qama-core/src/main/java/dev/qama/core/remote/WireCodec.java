package dev.qama.core.remote;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Coupling;
import dev.qama.core.model.DenseCoupling;
import dev.qama.core.model.LowRankCoupling;
import dev.qama.core.model.Problem;
import dev.qama.core.model.SparseCoupling;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.SolveStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire protocol codec shared by {@link RemoteAnnealerBackend} and the annealer server: a
 * compact binary encoding and a JSON encoding (arrays as base64 of little-endian float32) of a
 * {@link JobRequest} and of a {@link JobResult}. The byte layout is documented in {@code
 * docs/remote-protocol.md}.
 *
 * <p>The job id is the lower-case hex SHA-256 of the canonical binary encoding of the request
 * (problems, seed, reads, time limit, solver name, warm starts and explicit problem seeds), so the
 * same request always gets the same id, whichever encoding it was sent in, and a retried submit is
 * idempotent.
 *
 * <p>Decoding validates everything: lengths against the remaining bytes, enum tags, and the model
 * factories' checks (finite coefficients, symmetric dense couplings, …); any violation is a {@link
 * WireFormatException} or an {@link IllegalArgumentException} naming the field.
 */
public final class WireCodec {
    /** Media type of the binary encoding. */
    public static final String BINARY_TYPE = "application/octet-stream";

    /** Media type of the JSON encoding. */
    public static final String JSON_TYPE = "application/json";

    /** Protocol version in the binary header. */
    public static final int VERSION = 1;

    static final byte KIND_REQUEST = 1;
    static final byte KIND_RESULT = 2;
    static final byte PROBLEM_BQM = 1;
    static final byte PROBLEM_ATTENTION = 2;
    static final byte COUPLING_DENSE = 1;
    static final byte COUPLING_SPARSE = 2;
    static final byte COUPLING_LOW_RANK = 3;
    private static final byte[] MAGIC = {'Q', 'A', 'M', 'A'};

    private WireCodec() {}

    // ---------------------------------------------------------------- binary: request

    /** The canonical binary encoding of a request. */
    public static byte[] encodeRequest(JobRequest req) {
        Out o = new Out(1024);
        header(o, KIND_REQUEST);
        o.i64(req.seed());
        o.i32(req.reads());
        o.i64(req.timeLimitMillis());
        o.str(req.solver());
        o.i32(req.problems().size());
        for (Problem p : req.problems()) {
            problem(o, p);
        }
        List<byte[]> init = req.initialStates();
        o.u8(init == null ? 0 : 1);
        if (init != null) {
            for (byte[] s : init) {
                o.u8(s == null ? 0 : 1);
                if (s != null) {
                    o.raw(s);
                }
            }
        }
        long[] seeds = req.problemSeeds();
        if (seeds != null) {
            // optional trailing section (absent in requests without explicit seeds, so their
            // encoding and job id are those of protocol version 1 before the section existed)
            o.u8(1);
            for (long v : seeds) {
                o.i64(v);
            }
        }
        return o.bytes();
    }

    /**
     * Decodes a binary request.
     *
     * @throws IllegalArgumentException (often a {@link WireFormatException}) naming what is wrong
     */
    public static JobRequest decodeRequest(byte[] body) {
        In in = new In(body);
        checkHeader(in, KIND_REQUEST);
        long seed = in.i64();
        int reads = in.i32();
        if (reads < 1) {
            throw new WireFormatException("reads must be >= 1, got " + reads);
        }
        long tl = in.i64();
        if (tl < 0) {
            throw new WireFormatException("timeLimitMillis must be >= 0, got " + tl);
        }
        String solver = in.str();
        int count = in.count("problem count", 1);
        List<Problem> ps = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            try {
                ps.add(readProblem(in));
            } catch (IllegalArgumentException e) {
                throw new WireFormatException("problem " + k + ": " + e.getMessage(), e);
            }
        }
        int hasInit = in.u8();
        List<byte[]> init = null;
        if (hasInit == 1) {
            init = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                int present = in.u8();
                if (present > 1) {
                    throw new WireFormatException("initial state flag " + k + " is " + present);
                }
                init.add(present == 1 ? in.raw(ps.get(k).numVariables()) : null);
            }
        } else if (hasInit != 0) {
            throw new WireFormatException("initial states flag is " + hasInit + ", not 0 or 1");
        }
        long[] seeds = null;
        if (in.remaining() > 0 && in.peek() == 1) {
            in.u8();
            in.claim("problem seeds", count, 8);
            seeds = new long[count];
            for (int k = 0; k < count; k++) {
                seeds[k] = in.i64();
            }
        }
        in.end();
        try {
            return new JobRequest(ps, seed, reads, tl, solver, init, seeds);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("initial states: " + e.getMessage(), e);
        }
    }

    /** The job id: hex SHA-256 of {@link #encodeRequest}. */
    public static String jobId(JobRequest req) {
        return jobId(encodeRequest(req));
    }

    /** The job id of an already encoded (canonical binary) request. */
    public static String jobId(byte[] canonicalRequest) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalRequest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void header(Out o, byte kind) {
        for (byte b : MAGIC) {
            o.u8(b);
        }
        o.u8(VERSION);
        o.u8(kind);
    }

    private static void checkHeader(In in, byte kind) {
        if (in.remaining() < 6) {
            throw new WireFormatException(
                    "body of " + in.remaining() + " bytes is too short for the 6-byte header");
        }
        for (byte b : MAGIC) {
            if (in.u8() != b) {
                throw new WireFormatException("body does not start with the magic bytes 'QAMA'");
            }
        }
        int v = in.u8();
        if (v != VERSION) {
            throw new WireFormatException("unsupported protocol version " + v);
        }
        int k = in.u8();
        if (k != kind) {
            throw new WireFormatException(
                    "expected message kind " + kind + " but the body has kind " + k);
        }
    }

    private static void problem(Out o, Problem p) {
        if (p instanceof BinaryQuadraticModel m) {
            o.u8(PROBLEM_BQM);
            o.u8(m.vartype() == Vartype.SPIN ? 0 : 1);
            o.i32(m.numVariables());
            o.f64(m.offset());
            o.f32s(m.linear());
            coupling(o, m.coupling());
        } else if (p instanceof AttentionProblem a) {
            o.u8(PROBLEM_ATTENTION);
            o.i32(a.heads());
            o.i32(a.tokens());
            o.u8(a.bits());
            o.f64(a.couplingWeight());
            o.f64(a.linearWeight());
            o.f64(a.penaltyWeight());
            for (int i = 0; i < a.tokens(); i++) {
                o.u8(a.isMasked(i) ? 1 : 0);
            }
            for (int t = 0; t < a.heads(); t++) {
                coupling(o, a.coupling(t));
                float[] d = a.diagonal(t);
                o.u8(d == null ? 0 : 1);
                if (d != null) {
                    o.f32s(d);
                }
                o.f32s(a.linear(t));
            }
        } else {
            throw new IllegalArgumentException(
                    "the wire protocol carries BinaryQuadraticModel and AttentionProblem, not "
                            + p.getClass().getName());
        }
    }

    private static void coupling(Out o, Coupling c) {
        int n = c.size();
        if (c instanceof DenseCoupling d) {
            o.u8(COUPLING_DENSE);
            o.f32s(d.data());
        } else if (c instanceof SparseCoupling s) {
            o.u8(COUPLING_SPARSE);
            int[] rs = s.rowStart();
            int[] cols = s.columns();
            float[] vals = s.values();
            int m = 0;
            for (int i = 0; i < n; i++) {
                for (int k = rs[i]; k < rs[i + 1]; k++) {
                    if (cols[k] > i) {
                        m++;
                    }
                }
            }
            o.i32(m);
            for (int i = 0; i < n; i++) {
                for (int k = rs[i]; k < rs[i + 1]; k++) {
                    if (cols[k] > i) {
                        o.i32(i);
                        o.i32(cols[k]);
                        o.f32(vals[k]);
                    }
                }
            }
        } else if (c instanceof LowRankCoupling l) {
            o.u8(COUPLING_LOW_RANK);
            o.i32(l.rank());
            o.f64(l.scale());
            o.f32s(l.factorA());
            o.f32s(l.factorB());
        } else {
            throw new IllegalArgumentException("unknown coupling " + c);
        }
    }

    private static Problem readProblem(In in) {
        int tag = in.u8();
        if (tag == PROBLEM_BQM) {
            int vt = in.u8();
            if (vt > 1) {
                throw new WireFormatException(
                        "vartype tag " + vt + " is not 0 (SPIN) or 1 (BINARY)");
            }
            int n = in.count("variable count n", 4);
            double offset = in.f64();
            float[] h = in.f32s(n, "linear terms");
            Coupling c = readCoupling(in, n);
            return BinaryQuadraticModel.of(vt == 0 ? Vartype.SPIN : Vartype.BINARY, h, c, offset);
        }
        if (tag == PROBLEM_ATTENTION) {
            int heads = in.i32();
            int tokens = in.i32();
            if (heads < 1 || tokens < 0) {
                throw new WireFormatException(
                        "attention sizes H=" + heads + ", N=" + tokens + " must be >= 1 and >= 0");
            }
            // a mask byte per token, then per head a coupling tag, a diagonal flag and N floats
            in.claim("attention tokens N", tokens, 1);
            in.claim("attention heads H (N = " + tokens + ")", heads, 2 + 4L * tokens);
            int bits = in.u8();
            AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, bits);
            b.couplingWeight(in.f64()).linearWeight(in.f64()).penaltyWeight(in.f64());
            boolean[] mask = new boolean[tokens];
            for (int i = 0; i < tokens; i++) {
                int v = in.u8();
                if (v > 1) {
                    throw new WireFormatException("mask entry " + i + " is " + v + ", not 0 or 1");
                }
                mask[i] = v == 1;
            }
            b.mask(mask);
            for (int t = 0; t < heads; t++) {
                b.coupling(t, readCoupling(in, tokens));
                int hasDiag = in.u8();
                if (hasDiag > 1) {
                    throw new WireFormatException("diagonal flag of head " + t + " is " + hasDiag);
                }
                if (hasDiag == 1) {
                    b.diagonal(t, in.f32s(tokens, "diagonal of head " + t));
                }
                b.linear(t, in.f32s(tokens, "linear terms of head " + t));
            }
            return b.build();
        }
        throw new WireFormatException("problem tag " + tag + " is not 1 (bqm) or 2 (attention)");
    }

    private static Coupling readCoupling(In in, int n) {
        int tag = in.u8();
        switch (tag) {
            case COUPLING_DENSE:
                in.claim("dense coupling of size " + n, (long) n * n, 4);
                return DenseCoupling.ofSymmetric(n, in.f32s(n * n, "dense coupling"));
            case COUPLING_SPARSE:
                {
                    int m = in.count("sparse pair count", 12);
                    SparseCoupling.Builder sb = SparseCoupling.builder(n);
                    for (int k = 0; k < m; k++) {
                        int i = in.i32();
                        int j = in.i32();
                        float v = in.f32();
                        if (i >= j) {
                            throw new WireFormatException(
                                    "sparse pair " + k + " = (" + i + ", " + j + ") needs i < j");
                        }
                        sb.add(i, j, v);
                    }
                    return sb.build();
                }
            case COUPLING_LOW_RANK:
                {
                    int r = in.i32();
                    in.claim("low-rank coupling rank (n = " + n + ")", r, 8L * n);
                    double s = in.f64();
                    float[] a = in.f32s(n * r, "factor A");
                    float[] bb = in.f32s(n * r, "factor B");
                    return LowRankCoupling.of(n, r, a, bb, s);
                }
            default:
                throw new WireFormatException(
                        "coupling tag " + tag + " is not 1 (dense), 2 (sparse) or 3 (low-rank)");
        }
    }

    // ---------------------------------------------------------------- binary: result

    /** The binary encoding of a result. */
    public static byte[] encodeResult(JobResult r) {
        Out o = new Out(256);
        header(o, KIND_RESULT);
        o.str(r.backend());
        o.f64(r.solveSeconds());
        o.f64(r.queueSeconds());
        o.i32(r.results().size());
        for (JobResult.ProblemResult pr : r.results()) {
            o.u8(pr.status().ordinal());
            byte[][] st = pr.states();
            int n = st.length == 0 ? 0 : st[0].length;
            o.i32(st.length);
            o.i32(n);
            for (double e : pr.energies()) {
                o.f64(e);
            }
            for (byte[] s : st) {
                if (s.length != n) {
                    throw new IllegalArgumentException("states of one problem differ in length");
                }
                o.raw(s);
            }
        }
        return o.bytes();
    }

    /** Decodes a binary result. */
    public static JobResult decodeResult(byte[] body) {
        In in = new In(body);
        checkHeader(in, KIND_RESULT);
        String backend = in.str();
        double solve = in.f64();
        double queue = in.f64();
        int count = in.count("result count", 9);
        List<JobResult.ProblemResult> out = new ArrayList<>(count);
        SolveStatus[] statuses = SolveStatus.values();
        for (int k = 0; k < count; k++) {
            int st = in.u8();
            if (st >= statuses.length) {
                throw new WireFormatException("status tag " + st + " of result " + k);
            }
            int reads = in.count("read count of result " + k, 8);
            int n = in.i32();
            in.claim("result " + k + ": n", n, Math.max(1, reads));
            double[] e = new double[reads];
            for (int r = 0; r < reads; r++) {
                e[r] = in.f64();
            }
            byte[][] states = new byte[reads][];
            for (int r = 0; r < reads; r++) {
                states[r] = in.raw(n);
            }
            out.add(new JobResult.ProblemResult(statuses[st], states, e));
        }
        in.end();
        return new JobResult(backend, out, solve, queue);
    }

    // ---------------------------------------------------------------- JSON

    /** The JSON encoding of a request. */
    public static String requestToJson(JobRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", req.seed());
        m.put("reads", req.reads());
        m.put("timeLimitMillis", req.timeLimitMillis());
        m.put("solver", req.solver());
        List<Object> ps = new ArrayList<>();
        for (Problem p : req.problems()) {
            ps.add(problemJson(p));
        }
        m.put("problems", ps);
        if (req.initialStates() != null) {
            List<Object> init = new ArrayList<>();
            for (byte[] st : req.initialStates()) {
                init.add(st == null ? null : Base64.getEncoder().encodeToString(st));
            }
            m.put("initialStates", init);
        }
        long[] seeds = req.problemSeeds();
        if (seeds != null) {
            List<Object> sl = new ArrayList<>(seeds.length);
            for (long v : seeds) {
                sl.add(v);
            }
            m.put("problemSeeds", sl);
        }
        return JsonValue.write(m);
    }

    private static Map<String, Object> problemJson(Problem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p instanceof BinaryQuadraticModel b) {
            m.put("type", "bqm");
            m.put("vartype", b.vartype().name());
            m.put("n", b.numVariables());
            m.put("offset", b.offset());
            m.put("linear", b64(b.linear()));
            m.put("coupling", couplingJson(b.coupling()));
        } else if (p instanceof AttentionProblem a) {
            m.put("type", "attention");
            m.put("heads", a.heads());
            m.put("tokens", a.tokens());
            m.put("bits", a.bits());
            m.put("couplingWeight", a.couplingWeight());
            m.put("linearWeight", a.linearWeight());
            m.put("penaltyWeight", a.penaltyWeight());
            byte[] mask = new byte[a.tokens()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) (a.isMasked(i) ? 1 : 0);
            }
            m.put("mask", Base64.getEncoder().encodeToString(mask));
            List<Object> cs = new ArrayList<>();
            List<Object> ds = new ArrayList<>();
            List<Object> hs = new ArrayList<>();
            for (int t = 0; t < a.heads(); t++) {
                cs.add(couplingJson(a.coupling(t)));
                ds.add(a.diagonal(t) == null ? null : b64(a.diagonal(t)));
                hs.add(b64(a.linear(t)));
            }
            m.put("couplings", cs);
            m.put("diagonals", ds);
            m.put("linear", hs);
        } else {
            throw new IllegalArgumentException(
                    "the wire protocol carries BinaryQuadraticModel and AttentionProblem, not "
                            + p.getClass().getName());
        }
        return m;
    }

    private static Map<String, Object> couplingJson(Coupling c) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (c instanceof DenseCoupling d) {
            m.put("format", "dense");
            m.put("values", b64(d.data()));
        } else if (c instanceof SparseCoupling s) {
            m.put("format", "sparse");
            int n = s.size();
            List<Integer> is = new ArrayList<>();
            List<Integer> js = new ArrayList<>();
            List<Float> vs = new ArrayList<>();
            int[] rs = s.rowStart();
            for (int i = 0; i < n; i++) {
                for (int k = rs[i]; k < rs[i + 1]; k++) {
                    if (s.columns()[k] > i) {
                        is.add(i);
                        js.add(s.columns()[k]);
                        vs.add(s.values()[k]);
                    }
                }
            }
            float[] v = new float[vs.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = vs.get(k);
            }
            m.put("rows", is);
            m.put("cols", js);
            m.put("values", b64(v));
        } else if (c instanceof LowRankCoupling l) {
            m.put("format", "lowrank");
            m.put("rank", l.rank());
            m.put("scale", l.scale());
            m.put("a", b64(l.factorA()));
            m.put("b", b64(l.factorB()));
        }
        return m;
    }

    /** Decodes a JSON request; errors name the field. */
    public static JobRequest requestFromJson(String text) {
        Map<String, Object> m = JsonValue.parseObject(text);
        long seed = asLong(m.getOrDefault("seed", 0L), "seed");
        int reads = asInt(m.getOrDefault("reads", 1L), "reads", 1, Integer.MAX_VALUE);
        long tl = asLong(m.getOrDefault("timeLimitMillis", 0L), "timeLimitMillis");
        if (tl < 0) {
            throw new WireFormatException("timeLimitMillis must be >= 0, got " + tl);
        }
        Object sv = m.getOrDefault("solver", "");
        String solver = sv == null ? "" : String.valueOf(sv);
        List<Object> ps = asList(m.get("problems"), "problems");
        List<Problem> out = new ArrayList<>();
        for (int k = 0; k < ps.size(); k++) {
            try {
                out.add(problemFromJson(asMap(ps.get(k), "problems[" + k + "]"), text.length()));
            } catch (IllegalArgumentException e) {
                throw new WireFormatException("problem " + k + ": " + e.getMessage(), e);
            }
        }
        List<byte[]> init = null;
        Object io = m.get("initialStates");
        if (io != null) {
            List<Object> il = asList(io, "initialStates");
            init = new ArrayList<>();
            for (int k = 0; k < il.size(); k++) {
                init.add(il.get(k) == null ? null : bytes(il.get(k), "initialStates[" + k + "]"));
            }
        }
        long[] seeds = null;
        Object so = m.get("problemSeeds");
        if (so != null) {
            List<Object> sl = asList(so, "problemSeeds");
            if (sl.size() != out.size()) {
                throw new WireFormatException(
                        "problemSeeds has "
                                + sl.size()
                                + " entries for "
                                + out.size()
                                + " problems");
            }
            seeds = new long[sl.size()];
            for (int k = 0; k < seeds.length; k++) {
                seeds[k] = asLong(sl.get(k), "problemSeeds[" + k + "]");
            }
        }
        try {
            return new JobRequest(out, seed, reads, tl, solver, init, seeds);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("initial states: " + e.getMessage(), e);
        }
    }

    /** {@code budget}: the request's size in characters, for {@link #claim}. */
    private static Problem problemFromJson(Map<String, Object> m, long budget) {
        String type = String.valueOf(m.get("type"));
        if (type.equals("bqm")) {
            String vt = String.valueOf(m.get("vartype"));
            Vartype v;
            try {
                v = Vartype.valueOf(vt);
            } catch (IllegalArgumentException e) {
                throw new WireFormatException("vartype '" + vt + "' is not SPIN or BINARY");
            }
            int n = asInt(m.get("n"), "n", 0, Integer.MAX_VALUE);
            claim("n", n, 4, budget); // the linear terms: n float32 values
            float[] h = f32(m.get("linear"), n, "linear");
            Coupling c = couplingFromJson(asMap(m.get("coupling"), "coupling"), n, budget);
            return BinaryQuadraticModel.of(
                    v, h, c, asDouble(m.getOrDefault("offset", 0.0), "offset"));
        }
        if (type.equals("attention")) {
            int heads = asInt(m.get("heads"), "heads", 1, Integer.MAX_VALUE);
            int tokens = asInt(m.get("tokens"), "tokens", 0, Integer.MAX_VALUE);
            int bits = asInt(m.getOrDefault("bits", 1L), "bits", 1, 255);
            // every head carries N float32 linear terms and a coupling object
            claim("tokens", tokens, 4, budget);
            claim("heads (tokens = " + tokens + ")", heads, 2 + 4L * tokens, budget);
            List<Object> cs = asList(m.get("couplings"), "couplings");
            List<Object> hs = asList(m.get("linear"), "linear");
            Object dso = m.get("diagonals");
            List<Object> ds = dso == null ? null : asList(dso, "diagonals");
            if (cs.size() != heads || hs.size() != heads || (ds != null && ds.size() != heads)) {
                throw new WireFormatException(
                        "couplings, linear and diagonals need one entry per head (" + heads + ")");
            }
            AttentionProblem.Builder b = AttentionProblem.builder(heads, tokens, bits);
            b.couplingWeight(asDouble(m.getOrDefault("couplingWeight", 1.0), "couplingWeight"));
            b.linearWeight(asDouble(m.getOrDefault("linearWeight", 1.0), "linearWeight"));
            b.penaltyWeight(asDouble(m.getOrDefault("penaltyWeight", 0.0), "penaltyWeight"));
            Object mk = m.get("mask");
            if (mk != null) {
                byte[] mask = bytes(mk, "mask");
                if (mask.length != tokens) {
                    throw new WireFormatException(
                            "mask has " + mask.length + " entries but tokens = " + tokens);
                }
                boolean[] bm = new boolean[tokens];
                for (int i = 0; i < tokens; i++) {
                    bm[i] = mask[i] != 0;
                }
                b.mask(bm);
            }
            for (int t = 0; t < heads; t++) {
                b.coupling(
                        t,
                        couplingFromJson(asMap(cs.get(t), "couplings[" + t + "]"), tokens, budget));
                b.linear(t, f32(hs.get(t), tokens, "linear[" + t + "]"));
                if (ds != null && ds.get(t) != null) {
                    b.diagonal(t, f32(ds.get(t), tokens, "diagonals[" + t + "]"));
                }
            }
            return b.build();
        }
        throw new WireFormatException("problem type '" + type + "' is not bqm or attention");
    }

    private static Coupling couplingFromJson(Map<String, Object> m, int n, long budget) {
        String f = String.valueOf(m.get("format"));
        switch (f) {
            case "dense":
                claim("dense coupling of size " + n, (long) n * n, 4, budget);
                return DenseCoupling.ofSymmetric(n, f32(m.get("values"), (long) n * n, "values"));
            case "sparse":
                {
                    List<Object> is = asList(m.get("rows"), "rows");
                    List<Object> js = asList(m.get("cols"), "cols");
                    float[] v = f32(m.get("values"), is.size(), "values");
                    if (js.size() != is.size()) {
                        throw new WireFormatException(
                                "sparse rows and cols differ in length: "
                                        + is.size()
                                        + " vs "
                                        + js.size());
                    }
                    SparseCoupling.Builder sb = SparseCoupling.builder(n);
                    for (int k = 0; k < v.length; k++) {
                        sb.add(
                                asInt(is.get(k), "rows[" + k + "]", 0, n - 1),
                                asInt(js.get(k), "cols[" + k + "]", 0, n - 1),
                                v[k]);
                    }
                    return sb.build();
                }
            case "lowrank":
                {
                    int r = asInt(m.get("rank"), "rank", 0, Integer.MAX_VALUE);
                    claim("rank (n = " + n + ")", r, 8L * n, budget);
                    return LowRankCoupling.of(
                            n,
                            r,
                            f32(m.get("a"), (long) n * r, "a"),
                            f32(m.get("b"), (long) n * r, "b"),
                            asDouble(m.getOrDefault("scale", 1.0), "scale"));
                }
            default:
                throw new WireFormatException(
                        "coupling format '" + f + "' is not dense, sparse or lowrank");
        }
    }

    /** The JSON encoding of a result (states as base64 int8, reads × n). */
    public static Map<String, Object> resultJson(JobResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", r.backend());
        m.put("solveSeconds", r.solveSeconds());
        m.put("queueSeconds", r.queueSeconds());
        List<Object> rs = new ArrayList<>();
        for (JobResult.ProblemResult pr : r.results()) {
            Map<String, Object> e = new LinkedHashMap<>();
            int reads = pr.states().length;
            int n = reads == 0 ? 0 : pr.states()[0].length;
            e.put("status", pr.status().name());
            e.put("reads", reads);
            e.put("n", n);
            List<Double> en = new ArrayList<>();
            for (double d : pr.energies()) {
                en.add(d);
            }
            e.put("energies", en);
            byte[] flat = new byte[reads * n];
            for (int k = 0; k < reads; k++) {
                System.arraycopy(pr.states()[k], 0, flat, k * n, n);
            }
            e.put("states", Base64.getEncoder().encodeToString(flat));
            rs.add(e);
        }
        m.put("results", rs);
        return m;
    }

    /** Decodes the JSON encoding of a result (the fields of {@link #resultJson}). */
    public static JobResult resultFromJson(Map<String, Object> m) {
        List<Object> rs = asList(m.get("results"), "results");
        List<JobResult.ProblemResult> out = new ArrayList<>();
        for (int k = 0; k < rs.size(); k++) {
            Map<String, Object> e = asMap(rs.get(k), "results[" + k + "]");
            int reads = asInt(e.get("reads"), "results[" + k + "].reads", 0, Integer.MAX_VALUE);
            int n = asInt(e.get("n"), "results[" + k + "].n", 0, Integer.MAX_VALUE);
            List<Object> en = asList(e.get("energies"), "energies");
            if (en.size() != reads) {
                throw new WireFormatException(
                        "result " + k + " has " + en.size() + " energies for " + reads + " reads");
            }
            byte[] flat = bytes(e.get("states"), "states");
            if (flat.length != (long) reads * n) {
                throw new WireFormatException("states of result " + k + " have the wrong length");
            }
            byte[][] st = new byte[reads][];
            for (int r = 0; r < reads; r++) {
                st[r] = java.util.Arrays.copyOfRange(flat, r * n, r * n + n);
            }
            double[] es = new double[en.size()];
            for (int r = 0; r < es.length; r++) {
                es[r] = asDouble(en.get(r), "energies[" + r + "]");
            }
            out.add(
                    new JobResult.ProblemResult(
                            SolveStatus.valueOf(String.valueOf(e.get("status"))), st, es));
        }
        return new JobResult(
                String.valueOf(m.get("backend")),
                out,
                asDouble(m.getOrDefault("solveSeconds", 0.0), "solveSeconds"),
                asDouble(m.getOrDefault("queueSeconds", 0.0), "queueSeconds"));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The request size budget, checked before anything is allocated for a claimed size: {@code
     * items} things that each take at least {@code minBytes} bytes of the body must fit in the
     * {@code available} bytes (so a small body can never make the decoder allocate more than a
     * small multiple of its own size, whatever its headers claim).
     *
     * @throws WireFormatException naming the field, the claim and the budget
     */
    static void claim(String what, long items, long minBytes, long available) {
        if (items < 0) {
            throw new WireFormatException(what + " = " + items + " is negative");
        }
        if (minBytes > 0 && items > available / minBytes) {
            throw new WireFormatException(
                    what
                            + " = "
                            + items
                            + " needs at least "
                            + (items > Long.MAX_VALUE / minBytes
                                    ? "2^63"
                                    : Long.toString(items * minBytes))
                            + " bytes of the request but only "
                            + available
                            + " are left");
        }
    }

    /**
     * The one integer reader of the JSON decoders: a JSON integer (or an integral number) in {@code
     * [min, max]}, never cast unchecked.
     *
     * @throws WireFormatException naming the field and the allowed range
     */
    static int asInt(Object o, String what, int min, int max) {
        long v = asLong(o, what);
        if (v < min || v > max) {
            throw new WireFormatException(
                    what + " = " + v + " is out of range [" + min + ", " + max + "]");
        }
        return (int) v;
    }

    /** Base64 of little-endian float32 values. */
    public static String b64(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bb.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(bb.array());
    }

    private static float[] f32(Object o, long expected, String what) {
        byte[] raw = bytes(o, what);
        if (raw.length != expected * 4) {
            throw new WireFormatException(
                    what
                            + " has "
                            + raw.length
                            + " bytes ("
                            + raw.length / 4.0
                            + " floats) but "
                            + expected
                            + " float32 values were expected");
        }
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) expected];
        for (int k = 0; k < v.length; k++) {
            v[k] = bb.getFloat();
            if (!Float.isFinite(v[k])) {
                throw new WireFormatException(what + "[" + k + "] = " + v[k] + " is not finite");
            }
        }
        return v;
    }

    private static byte[] bytes(Object o, String what) {
        if (!(o instanceof String s)) {
            throw new WireFormatException(what + " must be a base64 string");
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(what + " is not valid base64: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new WireFormatException(what + " must be a JSON object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object o, String what) {
        if (!(o instanceof List)) {
            throw new WireFormatException(what + " must be a JSON array");
        }
        return (List<Object>) o;
    }

    static long asLong(Object o, String what) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
            return d.longValue();
        }
        throw new WireFormatException(what + " must be an integer, got " + o);
    }

    static double asDouble(Object o, String what) {
        if (o instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new WireFormatException(what + " must be a finite number, got " + o);
    }

    /** A growable little-endian byte buffer. */
    private static final class Out {
        private ByteBuffer b;

        Out(int cap) {
            b = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
        }

        private void ensure(long more) {
            if (b.remaining() < more) {
                long cap = Math.max((long) b.capacity() * 2, b.position() + more);
                if (cap > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("message larger than 2 GB");
                }
                ByteBuffer nb = ByteBuffer.allocate((int) cap).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                nb.put(b);
                b = nb;
            }
        }

        void u8(int v) {
            ensure(1);
            b.put((byte) v);
        }

        void i32(int v) {
            ensure(4);
            b.putInt(v);
        }

        void i64(long v) {
            ensure(8);
            b.putLong(v);
        }

        void f32(float v) {
            ensure(4);
            b.putFloat(v);
        }

        void f64(double v) {
            ensure(8);
            b.putDouble(v);
        }

        void f32s(float[] v) {
            ensure(4L * v.length);
            b.asFloatBuffer().put(v);
            b.position(b.position() + 4 * v.length);
        }

        void raw(byte[] v) {
            ensure(v.length);
            b.put(v);
        }

        void str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            i32(u.length);
            raw(u);
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            System.arraycopy(b.array(), 0, out, 0, out.length);
            return out;
        }
    }

    /** A bounds-checked little-endian reader. */
    private static final class In {
        private final ByteBuffer b;

        In(byte[] body) {
            if (body == null) {
                throw new WireFormatException("body is empty");
            }
            b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        }

        int remaining() {
            return b.remaining();
        }

        private void need(long k, String what) {
            if (b.remaining() < k) {
                throw new WireFormatException(
                        "body ends at byte "
                                + b.limit()
                                + " while reading "
                                + what
                                + " at byte "
                                + b.position()
                                + " ("
                                + k
                                + " bytes needed)");
            }
        }

        /** The next byte, not consumed (call only when {@link #remaining()} > 0). */
        int peek() {
            return b.get(b.position()) & 0xff;
        }

        int u8() {
            need(1, "a byte");
            return b.get() & 0xff;
        }

        int i32() {
            need(4, "an int32");
            return b.getInt();
        }

        /** A non-negative count whose items take at least {@code minBytes} each. */
        int count(String what, int minBytes) {
            int c = i32();
            claim(what, c, minBytes);
            return c;
        }

        /** {@link WireCodec#claim} against the bytes left in the body. */
        void claim(String what, long items, long minBytes) {
            WireCodec.claim(what, items, minBytes, b.remaining());
        }

        long i64() {
            need(8, "an int64");
            return b.getLong();
        }

        float f32() {
            need(4, "a float32");
            return b.getFloat();
        }

        double f64() {
            need(8, "a float64");
            return b.getDouble();
        }

        float[] f32s(int n, String what) {
            need(4L * n, what);
            float[] v = new float[n];
            b.asFloatBuffer().get(v);
            b.position(b.position() + 4 * n);
            for (int k = 0; k < n; k++) {
                if (!Float.isFinite(v[k])) {
                    throw new WireFormatException(
                            what + "[" + k + "] = " + v[k] + " is not finite");
                }
            }
            return v;
        }

        byte[] raw(int n) {
            need(n, "bytes");
            byte[] v = new byte[n];
            b.get(v);
            return v;
        }

        String str() {
            int len = count("string length", 1);
            return new String(raw(len), StandardCharsets.UTF_8);
        }

        void end() {
            if (b.remaining() != 0) {
                throw new WireFormatException(
                        b.remaining() + " unexpected trailing bytes at byte " + b.position());
            }
        }
    }
}
