package dev.qama.core.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.attention.AttentionProblem;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.testkit.RandomProblems;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static List<Problem> problems() {
        return List.of(
                RandomProblems.dense(Vartype.SPIN, 7, 1),
                RandomProblems.sparse(Vartype.BINARY, 9, 0.3, 2),
                RandomProblems.lowRank(Vartype.SPIN, 8, 3, 3),
                RandomProblems.attention(
                        3, 5, 2, new boolean[] {false, true, false, false, true}, true, true, 4),
                RandomProblems.attention(2, 4, 1, null, false, false, 5));
    }

    private static void assertSameEnergies(Problem a, Problem b) {
        assertEquals(a.numVariables(), b.numVariables());
        assertEquals(a.vartype(), b.vartype());
        assertEquals(a.getClass(), b.getClass());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 20; k++) {
            byte[] s = RandomProblems.state(a, rnd);
            assertEquals(a.energy(s), b.energy(s), 0.0, "energy of a random state");
        }
        if (a instanceof AttentionProblem x && b instanceof AttentionProblem y) {
            for (int i = 0; i < x.tokens(); i++) {
                assertEquals(x.isMasked(i), y.isMasked(i));
            }
            assertEquals(x.penaltyWeight(), y.penaltyWeight());
            for (int t = 0; t < x.heads(); t++) {
                assertEquals(x.coupling(t).getClass(), y.coupling(t).getClass());
            }
        }
        if (a instanceof BinaryQuadraticModel x && b instanceof BinaryQuadraticModel y) {
            assertEquals(x.coupling().getClass(), y.coupling().getClass());
            assertEquals(x.offset(), y.offset());
        }
    }

    @Test
    void binaryAndJsonRequestsRoundTripWithTheSameId() {
        JobRequest req = new JobRequest(problems(), -5, 3, 1500, "exact");
        byte[] bin = WireCodec.encodeRequest(req);
        JobRequest back = WireCodec.decodeRequest(bin);
        JobRequest fromJson = WireCodec.requestFromJson(WireCodec.requestToJson(req));
        for (JobRequest r : List.of(back, fromJson)) {
            assertEquals(-5, r.seed());
            assertEquals(3, r.reads());
            assertEquals(1500, r.timeLimitMillis());
            assertEquals("exact", r.solver());
            for (int k = 0; k < req.problems().size(); k++) {
                assertSameEnergies(req.problems().get(k), r.problems().get(k));
            }
            assertArrayEquals(bin, WireCodec.encodeRequest(r), "canonical encoding is stable");
        }
        String id = WireCodec.jobId(req);
        assertEquals(64, id.length());
        assertEquals(id, WireCodec.jobId(fromJson));
        assertNotEquals(id, WireCodec.jobId(new JobRequest(problems(), -4, 3, 1500, "exact")));
        assertNotEquals(id, WireCodec.jobId(new JobRequest(problems(), -5, 2, 1500, "exact")));
    }

    @Test
    void warmStartsTravelAndChangeTheId() {
        List<Problem> ps = problems();
        java.util.ArrayList<byte[]> init = new java.util.ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < ps.size(); k++) {
            init.add(k == 1 ? null : RandomProblems.state(ps.get(k), rnd));
        }
        JobRequest req = new JobRequest(ps, 1, 1, 0, "", init);
        for (JobRequest r :
                List.of(
                        WireCodec.decodeRequest(WireCodec.encodeRequest(req)),
                        WireCodec.requestFromJson(WireCodec.requestToJson(req)))) {
            for (int k = 0; k < ps.size(); k++) {
                if (k == 1) {
                    assertEquals(null, r.initialStates().get(k));
                } else {
                    assertArrayEquals(init.get(k), r.initialStates().get(k));
                }
            }
        }
        assertNotEquals(WireCodec.jobId(req), WireCodec.jobId(new JobRequest(ps, 1, 1, 0, "")));
    }

    @Test
    void resultsRoundTrip() {
        JobResult r =
                new JobResult(
                        "exact",
                        List.of(
                                new JobResult.ProblemResult(
                                        SolveStatus.TIME_LIMIT,
                                        new byte[][] {{1, -1, 1}, {-1, -1, 1}},
                                        new double[] {-2.5, 1.25}),
                                new JobResult.ProblemResult(
                                        SolveStatus.COMPLETED,
                                        new byte[][] {{}},
                                        new double[] {0})),
                        0.5,
                        0.25);
        JobResult b = WireCodec.decodeResult(WireCodec.encodeResult(r));
        Map<String, Object> j = JsonValue.parseObject(JsonValue.write(WireCodec.resultJson(r)));
        for (JobResult x : List.of(b, WireCodec.resultFromJson(j))) {
            assertEquals("exact", x.backend());
            assertEquals(0.5, x.solveSeconds());
            assertEquals(0.25, x.queueSeconds());
            assertEquals(SolveStatus.TIME_LIMIT, x.results().get(0).status());
            assertArrayEquals(new byte[] {-1, -1, 1}, x.results().get(0).states()[1]);
            assertArrayEquals(new double[] {-2.5, 1.25}, x.results().get(0).energies());
            assertEquals(0, x.results().get(1).states()[0].length);
        }
    }

    @Test
    void malformedInputsNameTheProblem() {
        byte[] ok =
                WireCodec.encodeRequest(
                        new JobRequest(
                                List.of(RandomProblems.dense(Vartype.SPIN, 3, 1)), 0, 1, 0, ""));
        byte[] bad = ok.clone();
        bad[0] = 'X';
        assertTrue(
                assertThrows(WireFormatException.class, () -> WireCodec.decodeRequest(bad))
                        .getMessage()
                        .contains("magic"));
        byte[] huge = ok.clone();
        // the problem count (after header 6, seed 8, reads 4, tl 8, solver length 4) = 2^30
        java.nio.ByteBuffer.wrap(huge)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(6 + 8 + 4 + 8 + 4, 1 << 30);
        assertTrue(
                assertThrows(WireFormatException.class, () -> WireCodec.decodeRequest(huge))
                        .getMessage()
                        .contains("problem count"));
        assertThrows(
                IllegalArgumentException.class,
                () -> WireCodec.requestFromJson("{\"problems\":[{\"type\":\"cube\"}]}"));
        assertThrows(IllegalArgumentException.class, () -> JsonValue.parse("{\"a\":1,}"));
        assertThrows(IllegalArgumentException.class, () -> JsonValue.parse("[1 2]"));
        assertEquals(
                Map.of("a", List.of(1L, 2.5, "x\"y", true)),
                JsonValue.parse("{\"a\": [1, 2.5, \"x\\\"y\", true]}"));
    }

    @Test
    void explicitProblemSeedsTravelAndChangeTheIdButTheirAbsenceKeepsTheOldEncoding() {
        List<Problem> ps = problems();
        long[] seeds = {Long.MIN_VALUE, -1, 0, 0x5eed, Long.MAX_VALUE};
        JobRequest plain = new JobRequest(ps, 1, 2, 0, "");
        JobRequest req = new JobRequest(ps, 1, 2, 0, "", null, seeds);
        for (JobRequest r :
                List.of(
                        WireCodec.decodeRequest(WireCodec.encodeRequest(req)),
                        WireCodec.requestFromJson(WireCodec.requestToJson(req)))) {
            assertArrayEquals(seeds, r.problemSeeds());
            assertEquals(WireCodec.jobId(req), WireCodec.jobId(r));
        }
        assertNotEquals(WireCodec.jobId(req), WireCodec.jobId(plain));
        long[] other = seeds.clone();
        other[2] = 1;
        assertNotEquals(
                WireCodec.jobId(req),
                WireCodec.jobId(new JobRequest(ps, 1, 2, 0, "", null, other)));
        // without explicit seeds the encoding is the one of before: it ends with the warm-start
        // flag
        byte[] bin = WireCodec.encodeRequest(plain);
        assertEquals(0, bin[bin.length - 1]);
        assertEquals(null, WireCodec.decodeRequest(bin).problemSeeds());
        assertEquals(
                null, WireCodec.requestFromJson(WireCodec.requestToJson(plain)).problemSeeds());
        assertTrue(
                assertThrows(
                                WireFormatException.class,
                                () ->
                                        WireCodec.requestFromJson(
                                                WireCodec.requestToJson(plain)
                                                        .replace(
                                                                "\"problems\"",
                                                                "\"problemSeeds\":[1],\"problems\"")))
                        .getMessage()
                        .contains("problemSeeds has 1 entries for 5 problems"));
    }

    private static String bqmJson(String n, String rows) {
        return "{\"reads\":1,\"problems\":[{\"type\":\"bqm\",\"vartype\":\"SPIN\",\"n\":"
                + n
                + ",\"linear\":\""
                + WireCodec.b64(new float[2])
                + "\",\"coupling\":{\"format\":\"sparse\",\"rows\":["
                + rows
                + "],\"cols\":[1],\"values\":\""
                + WireCodec.b64(new float[] {1f})
                + "\"}}]}";
    }

    @Test
    void jsonIntegersAreRangeCheckedNeverCast() {
        // well-formed: n = 2, one pair (0, 1)
        assertEquals(
                2, WireCodec.requestFromJson(bqmJson("2", "0")).problems().get(0).numVariables());
        String reads = bqmJson("2", "0").replace("\"reads\":1", "\"reads\":4294967297");
        assertMessage(reads, "reads = 4294967297 is out of range");
        assertMessage(bqmJson("4294967298", "0"), "n = 4294967298 is out of range");
        assertMessage(bqmJson("2", "4294967296"), "rows[0] = 4294967296 is out of range [0, 1]");
        assertMessage(bqmJson("2", "1e30"), "rows[0] must be an integer");
        assertMessage(
                bqmJson("2", "0").replace("\"reads\":1", "\"reads\":99999999999999999999999"),
                "reads must be an integer");
        // a 64-bit seed survives JSON exactly
        assertEquals(
                Long.MIN_VALUE,
                WireCodec.requestFromJson(
                                bqmJson("2", "0")
                                        .replace(
                                                "{\"reads\"",
                                                "{\"seed\":" + Long.MIN_VALUE + ",\"reads\""))
                        .seed());
    }

    @Test
    void claimedSizesAreCheckedAgainstTheBodyBeforeAnyAllocation() {
        // 111 bytes claiming 67108864 heads: refused before the builder allocates per-head arrays
        String att =
                "{\"problems\":[{\"type\":\"attention\",\"heads\":67108864,\"tokens\":0,"
                        + "\"couplings\":[],\"linear\":[]}]}";
        assertMessage(att, "heads (tokens = 0) = 67108864 needs at least 134217728 bytes");
        assertMessage(
                att.replace("67108864,\"tokens\":0", "1,\"tokens\":2000000000"),
                "tokens = 2000000000 needs at least 8000000000 bytes");
        // the same claim in the binary encoding
        JobRequest one =
                new JobRequest(
                        List.of(RandomProblems.attention(1, 2, 1, null, false, false, 5)),
                        0,
                        1,
                        0,
                        "");
        byte[] bin = WireCodec.encodeRequest(one);
        // heads sit after header 6, seed 8, reads 4, tl 8, solver length 4, count 4, tag 1
        java.nio.ByteBuffer.wrap(bin)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(6 + 8 + 4 + 8 + 4 + 4 + 1, 67108864)
                .putInt(6 + 8 + 4 + 8 + 4 + 4 + 1 + 4, 0);
        String msg =
                assertThrows(WireFormatException.class, () -> WireCodec.decodeRequest(bin))
                        .getMessage();
        assertTrue(msg.contains("attention heads H (N = 0) = 67108864 needs at least"), msg);
    }

    private static void assertMessage(String json, String expected) {
        String msg =
                assertThrows(IllegalArgumentException.class, () -> WireCodec.requestFromJson(json))
                        .getMessage();
        assertTrue(msg.contains(expected), msg);
    }

    @Test
    void durationsParse() {
        assertEquals(Duration.ofMillis(250), RemoteProvider.parseDuration("250ms"));
        assertEquals(Duration.ofMillis(1500), RemoteProvider.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2), RemoteProvider.parseDuration("2m"));
        assertThrows(IllegalArgumentException.class, () -> RemoteProvider.parseDuration("5"));
        assertThrows(IllegalArgumentException.class, () -> RemoteProvider.parseDuration("-1s"));
    }
}
