package dev.qama.cim.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.core.exact.BruteForceBackend;
import dev.qama.core.model.BinaryQuadraticModel;
import dev.qama.core.model.Problem;
import dev.qama.core.model.Vartype;
import dev.qama.core.remote.JobRequest;
import dev.qama.core.remote.JobResult;
import dev.qama.core.remote.JsonValue;
import dev.qama.core.remote.WireCodec;
import dev.qama.core.spi.SolveStatus;
import dev.qama.core.testkit.RandomProblems;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's HTTP behaviour: status codes, error bodies, idempotency, cancellation. */
class AnnealerServerTest {
    private AnnealerServer server;

    private URI start(AnnealerServer.Builder b) throws Exception {
        server = b.build().start();
        return server.uri();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private static AnnealerServer.Builder exact() {
        return AnnealerServer.builder().backend("exact", new BruteForceBackend(1)).workers(2);
    }

    private static JobRequest request(long seed, int n) {
        return new JobRequest(List.of(RandomProblems.dense(Vartype.SPIN, n, seed)), seed, 2, 0, "");
    }

    private static String errorOf(HttpResponse<String> r) {
        Object e = JsonValue.parseObject(r.body()).get("error");
        assertTrue(e instanceof String && !((String) e).isBlank(), "error body: " + r.body());
        return (String) e;
    }

    @Test
    void healthAndInfo() throws Exception {
        URI u = start(exact().token("s3cret").maxSpins(30));
        HttpResponse<String> h = Http.get(u, "/v1/health", null);
        assertEquals(200, h.statusCode());
        assertEquals("ok", JsonValue.parseObject(h.body()).get("status"));
        assertEquals(401, Http.get(u, "/v1/info", null).statusCode());
        HttpResponse<String> i = Http.get(u, "/v1/info", "s3cret");
        assertEquals(200, i.statusCode());
        Map<String, Object> info = JsonValue.parseObject(i.body());
        assertEquals(List.of("exact"), info.get("solvers"));
        assertEquals(30L, info.get("maxSpins"));
        assertEquals(0L, info.get("couplingBits"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void infoDeclaresEachSolversOptions() throws Exception {
        URI u = start(AnnealerServer.fromAnnealers(List.of("sb", "exact")).workers(1));
        Map<String, Object> info = JsonValue.parseObject(Http.get(u, "/v1/info", null).body());
        Map<String, Object> options = (Map<String, Object>) info.get("options");
        assertEquals(List.of("sb", "exact"), List.copyOf(options.keySet()));
        Map<String, Object> dt = null;
        for (Object o : (List<Object>) options.get("sb")) {
            Map<String, Object> spec = (Map<String, Object>) o;
            if (spec.get("key").equals("dt")) {
                dt = spec;
            }
        }
        assertEquals("double", dt.get("type"));
        assertEquals("(0, 100]", dt.get("range"));
        assertEquals(100.0, dt.get("max"));
        assertEquals("1", dt.get("default"));
        Map<String, Object> threads =
                (Map<String, Object>) ((List<Object>) options.get("exact")).get(0);
        assertEquals("threads", threads.get("key"));
        assertEquals(1024L, threads.get("max"));
    }

    @Test
    void jsonSubmitPollAndBinaryResultAgree() throws Exception {
        URI u = start(exact());
        JobRequest req = request(3, 10);
        HttpResponse<String> r =
                Http.post(
                        u,
                        null,
                        "application/json",
                        WireCodec.requestToJson(req).getBytes(StandardCharsets.UTF_8));
        assertEquals(202, r.statusCode(), r.body());
        String id = (String) JsonValue.parseObject(r.body()).get("id");
        assertEquals(WireCodec.jobId(req), id, "id is the hash of the canonical binary request");
        HttpResponse<String> g = Http.get(u, "/v1/jobs/" + id + "?wait=10s", null);
        assertEquals(200, g.statusCode());
        Map<String, Object> m = JsonValue.parseObject(g.body());
        assertEquals("done", m.get("state"));
        JobResult res = WireCodec.resultFromJson(m);
        Problem p = req.problems().get(0);
        assertEquals(2, res.results().get(0).states().length);
        for (int k = 0; k < 2; k++) {
            assertEquals(
                    p.energy(res.results().get(0).states()[k]),
                    res.results().get(0).energies()[k],
                    1e-9);
        }
        HttpResponse<byte[]> bin =
                Http.CLIENT.send(
                        Http.at(u, "/v1/jobs/" + id, null)
                                .header("Accept", WireCodec.BINARY_TYPE)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        JobResult rb = WireCodec.decodeResult(bin.body());
        assertEquals(SolveStatus.COMPLETED, rb.results().get(0).status());
        assertEquals(res.results().get(0).energies()[0], rb.results().get(0).energies()[0], 0.0);
    }

    @Test
    void idempotentSubmitSolvesOnce() throws Exception {
        URI u = start(exact());
        byte[] body = WireCodec.encodeRequest(request(5, 12));
        HttpResponse<String> a = Http.post(u, null, WireCodec.BINARY_TYPE, body);
        HttpResponse<String> b = Http.post(u, null, WireCodec.BINARY_TYPE, body);
        String id = (String) JsonValue.parseObject(a.body()).get("id");
        assertEquals(id, JsonValue.parseObject(b.body()).get("id"));
        assertEquals(202, a.statusCode());
        assertEquals(200, b.statusCode(), "the second submit finds the existing job");
        assertEquals(200, Http.get(u, "/v1/jobs/" + id + "?wait=10s", null).statusCode());
        // a third submit after completion is still the same job
        assertEquals(200, Http.post(u, null, WireCodec.BINARY_TYPE, body).statusCode());
        assertEquals(1, server.solvedJobs(), "solved once");
        // a different seed is a different job
        HttpResponse<String> c =
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(request(6, 12)));
        assertNotEquals(id, JsonValue.parseObject(c.body()).get("id"));
    }

    @Test
    void aSubmitsJobIdHeaderMustBeItsContentHash() throws Exception {
        URI u = start(exact());
        byte[] body = WireCodec.encodeRequest(request(5, 12));
        String id = WireCodec.jobId(body);
        String other = WireCodec.jobId(WireCodec.encodeRequest(request(6, 12)));
        // the id a balancer routes the submit by must be the one the polls carry in their path
        HttpResponse<String> wrong =
                Http.send(
                        Http.at(u, "/v1/jobs", null)
                                .header("Content-Type", WireCodec.BINARY_TYPE)
                                .header(AnnealerServer.JOB_ID_HEADER, other)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build());
        assertEquals(400, wrong.statusCode());
        assertEquals(
                AnnealerServer.JOB_ID_HEADER
                        + " header '"
                        + other
                        + "' is not this job's id "
                        + id
                        + " (the SHA-256 of the request's binary encoding); a balancer routing by"
                        + " it would send the job's polls to another server",
                errorOf(wrong));
        assertEquals(0, server.solvedJobs() + server.runningJobs(), "nothing was queued");
        HttpResponse<String> right =
                Http.send(
                        Http.at(u, "/v1/jobs", null)
                                .header("Content-Type", WireCodec.BINARY_TYPE)
                                .header(AnnealerServer.JOB_ID_HEADER, id)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build());
        assertEquals(202, right.statusCode());
        assertEquals(id, JsonValue.parseObject(right.body()).get("id"));
    }

    @Test
    void malformedBodiesAreBadRequests() throws Exception {
        URI u = start(exact());
        HttpResponse<String> r =
                Http.post(u, null, WireCodec.BINARY_TYPE, "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("header"), r.body());
        r = Http.post(u, null, "application/json", "{\"problems\": [".getBytes());
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("malformed JSON"), r.body());
        // truncated binary body: wrong size
        byte[] ok = WireCodec.encodeRequest(request(1, 8));
        byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 7);
        r = Http.post(u, null, WireCodec.BINARY_TYPE, cut);
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("needs at least 256 bytes"), r.body());
        // trailing garbage
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 3);
        r = Http.post(u, null, WireCodec.BINARY_TYPE, longer);
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("trailing"), r.body());
        // JSON with a wrong-size array
        String json =
                "{\"seed\":0,\"reads\":1,\"problems\":[{\"type\":\"bqm\",\"vartype\":\"SPIN\","
                        + "\"n\":3,\"linear\":\""
                        + WireCodec.b64(new float[2])
                        + "\",\"coupling\":{\"format\":\"dense\",\"values\":\""
                        + WireCodec.b64(new float[9])
                        + "\"}}]}";
        r = Http.post(u, null, "application/json", json.getBytes());
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("linear"), r.body());
        // NaN coefficient (binary): patch the offset of a BQM to NaN
        BinaryQuadraticModel m = RandomProblems.dense(Vartype.SPIN, 4, 1);
        byte[] b = WireCodec.encodeRequest(new JobRequest(List.of(m), 0, 1, 0, ""));
        // header 6 + seed 8 + reads 4 + tl 8 + solver 4 + count 4 + tag 1 + vartype 1 + n 4
        int offsetAt = 6 + 8 + 4 + 8 + 4 + 4 + 1 + 1 + 4;
        java.nio.ByteBuffer.wrap(b)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putDouble(offsetAt, Double.NaN);
        r = Http.post(u, null, WireCodec.BINARY_TYPE, b);
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("offset"), r.body());
        // NaN in JSON floats
        String nanJson =
                json.replace(
                        WireCodec.b64(new float[2]), WireCodec.b64(new float[] {0, Float.NaN, 0}));
        r = Http.post(u, null, "application/json", nanJson.getBytes());
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("not finite"), r.body());
        // an unknown solver
        byte[] other =
                WireCodec.encodeRequest(new JobRequest(List.of(m), 0, 1, 0, "no-such-solver"));
        r = Http.post(u, null, WireCodec.BINARY_TYPE, other);
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("no-such-solver"), r.body());
        // unknown job, unknown path, wrong method
        assertEquals(404, Http.get(u, "/v1/jobs/abc", null).statusCode());
        assertEquals(404, Http.get(u, "/v2/x", null).statusCode());
        HttpResponse<String> wm = Http.get(u, "/v1/jobs", null);
        assertEquals(405, wm.statusCode());
        errorOf(wm);
    }

    @Test
    void tooManySpinsIsRefused() throws Exception {
        URI u = start(exact().maxSpins(8));
        HttpResponse<String> r =
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(request(1, 9)));
        assertEquals(400, r.statusCode());
        assertTrue(errorOf(r).contains("limit is 8"), r.body());
    }

    @Test
    void tokenIsRequiredAndChecked() throws Exception {
        URI u = start(exact().token("right"));
        byte[] body = WireCodec.encodeRequest(request(2, 6));
        HttpResponse<String> none = Http.post(u, null, WireCodec.BINARY_TYPE, body);
        assertEquals(401, none.statusCode());
        assertTrue(errorOf(none).contains("missing"));
        HttpResponse<String> wrong = Http.post(u, "wrong", WireCodec.BINARY_TYPE, body);
        assertEquals(401, wrong.statusCode());
        assertTrue(errorOf(wrong).contains("wrong"));
        assertEquals(202, Http.post(u, "right", WireCodec.BINARY_TYPE, body).statusCode());
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        URI u = start(exact().maxBodyBytes(1000));
        byte[] body = WireCodec.encodeRequest(request(2, 20)); // 20×20 floats > 1000 bytes
        assertTrue(body.length > 1000);
        HttpResponse<String> r = Http.post(u, null, WireCodec.BINARY_TYPE, body);
        assertEquals(413, r.statusCode());
        assertTrue(errorOf(r).contains("exceeds the limit of 1000"), r.body());
    }

    @Test
    void fullQueueIs429WithRetryAfter() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(20));
        URI u =
                start(
                        AnnealerServer.builder()
                                .backend("slow", slow)
                                .workers(1)
                                .queue(1)
                                .retryAfterSeconds(2));
        assertEquals(
                202,
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(request(1, 4)))
                        .statusCode());
        assertEquals(
                202,
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(request(2, 4)))
                        .statusCode());
        HttpResponse<String> r =
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(request(3, 4)));
        assertEquals(429, r.statusCode());
        assertEquals("2", r.headers().firstValue("Retry-After").orElse(null));
        assertTrue(errorOf(r).contains("queue full"));
    }

    @Test
    void cancelStopsARunningJobAndDropsAQueuedOne() throws Exception {
        SlowBackend slow = new SlowBackend(Duration.ofSeconds(30));
        URI u = start(AnnealerServer.builder().backend("slow", slow).workers(1).queue(4));
        String a =
                (String)
                        JsonValue.parseObject(
                                        Http.post(
                                                        u,
                                                        null,
                                                        WireCodec.BINARY_TYPE,
                                                        WireCodec.encodeRequest(request(1, 4)))
                                                .body())
                                .get("id");
        String b =
                (String)
                        JsonValue.parseObject(
                                        Http.post(
                                                        u,
                                                        null,
                                                        WireCodec.BINARY_TYPE,
                                                        WireCodec.encodeRequest(request(2, 4)))
                                                .body())
                                .get("id");
        long until = System.nanoTime() + 10_000_000_000L;
        while (slow.started.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(1, slow.started.get());
        HttpResponse<String> qb = Http.send(Http.at(u, "/v1/jobs/" + b, null).DELETE().build());
        assertEquals(200, qb.statusCode());
        assertEquals("cancelled", JsonValue.parseObject(qb.body()).get("state"));
        HttpResponse<String> qa = Http.send(Http.at(u, "/v1/jobs/" + a, null).DELETE().build());
        assertEquals(200, qa.statusCode());
        Map<String, Object> m =
                JsonValue.parseObject(Http.get(u, "/v1/jobs/" + a + "?wait=10s", null).body());
        assertEquals("cancelled", m.get("state"));
        JobResult r = WireCodec.resultFromJson(m);
        assertEquals(SolveStatus.INTERRUPTED, r.results().get(0).status());
        assertEquals(1, slow.started.get(), "the queued job never ran");
        assertEquals(
                404, Http.send(Http.at(u, "/v1/jobs/nope", null).DELETE().build()).statusCode());
    }

    @Test
    void requestWithTimeLimitAndAttentionProblemRoundTrips() throws Exception {
        URI u = start(exact());
        Problem att =
                RandomProblems.attention(
                        2, 5, 2, new boolean[] {false, true, false, false, false}, true, true, 7);
        JobRequest req = new JobRequest(List.of(att), 9, 3, 5000, "exact");
        HttpResponse<String> r =
                Http.post(u, null, WireCodec.BINARY_TYPE, WireCodec.encodeRequest(req));
        assertEquals(202, r.statusCode(), r.body());
        String id = (String) JsonValue.parseObject(r.body()).get("id");
        Map<String, Object> m =
                JsonValue.parseObject(Http.get(u, "/v1/jobs/" + id + "?wait=10", null).body());
        JobResult res = WireCodec.resultFromJson(m);
        for (int k = 0; k < 3; k++) {
            byte[] s = res.results().get(0).states()[k];
            assertEquals(att.energy(s), res.results().get(0).energies()[k], 1e-9);
        }
        HttpRequest bad = Http.at(u, "/v1/jobs/" + id + "?wait=xyz", null).GET().build();
        assertEquals(400, Http.send(bad).statusCode());
    }
}
