package dev.qama.bench.longseq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qama.bench.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongSequenceBenchmarkTest {

    @Test
    void procStatusLinesAreParsedInBytes() {
        String status = "Name:\tjava\nVmPeak:\t 5000 kB\nVmHWM:\t  1234 kB\nVmRSS:\t 1000 kB\n";
        assertEquals(1234L * 1024, MemoryProbe.parseKilobytes(status, "VmHWM"));
        assertEquals(1000L * 1024, MemoryProbe.parseKilobytes(status, "VmRSS"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MemoryProbe.parseKilobytes(status, "VmSwap"));
        assertTrue(e.getMessage().contains("VmSwap"), e.getMessage());
        if (MemoryProbe.available()) {
            long current = MemoryProbe.currentRssBytes();
            assertTrue(MemoryProbe.peakRssBytes() >= current);
            assertTrue(current > 1 << 20);
        }
    }

    @Test
    void resultsSurviveTheCsvRoundTrip() {
        LongSeqResult ok =
                new LongSeqResult(
                        "qama", 1024, 8, 64, "ok", "sb", 12.5, 10.0, 2.5, 1 << 30, 1 << 20);
        LongSeqResult skipped =
                LongSeqResult.notRun("classical", 32768, 8, 64, "skipped: needs 160.0 GiB");
        assertEquals(ok, LongSeqResult.parseCsv(ok.toCsv()));
        LongSeqResult back = LongSeqResult.parseCsv(skipped.toCsv());
        assertEquals("skipped: needs 160.0 GiB", back.status());
        assertFalse(back.ok());
        assertTrue(Double.isNaN(back.totalMillis()));
        assertThrows(IllegalArgumentException.class, () -> LongSeqResult.parseCsv("a,b"));
    }

    @Test
    void theErrorLineOfAFailedChildNamesTheCause() {
        List<String> uncaught =
                List.of(
                        "WARNING: Using incubator modules: jdk.incubator.vector",
                        "Exception in thread \"main\" java.lang.IllegalArgumentException: paper-v2:"
                                + " H·N·N = 2147745800 coupling entries do not fit in one Java"
                                + " array",
                        "\tat dev.qama.core.formulation.Formulations.checkBuildable(Formulations"
                                + ".java:27)",
                        "\tat dev.qama.bench.longseq.LongSeqRun.main(LongSeqRun.java:160)",
                        "");
        assertEquals(
                "IllegalArgumentException: paper-v2: H·N·N = 2147745800 coupling entries do not"
                        + " fit in one Java array",
                ChildJvm.errorLine(uncaught));
        List<String> chained =
                List.of(
                        "java.lang.IllegalStateException: block failed",
                        "\tat a.B.c(B.java:1)",
                        "Caused by: ai.djl.engine.EngineException: could not allocate 4 GiB",
                        "\tat d.E.f(E.java:2)",
                        "\t... 3 more");
        assertEquals("EngineException: could not allocate 4 GiB", ChildJvm.errorLine(chained));
        assertEquals(
                "terminate called after throwing an instance of 'c10::Error'",
                ChildJvm.errorLine(
                        List.of("terminate called after throwing an instance of 'c10::Error'")));
        assertEquals("", ChildJvm.errorLine(List.of("", "  ")));
        String longLine = "x".repeat(1000);
        assertEquals(ChildJvm.MAX_ERROR_CHARS, ChildJvm.errorLine(List.of(longLine)).length());
    }

    /** A child JVM that fails reports why, not only its exit code. */
    @Test
    void aFailingChildJvmReportsItsErrorLine() {
        LongSequenceBenchmark.Options o = new LongSequenceBenchmark.Options();
        o.backend = "no-such-backend";
        o.heads = 2;
        o.headSize = 4;
        o.childTimeoutMinutes = 2;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        LongSeqResult r =
                LongSequenceBenchmark.child(
                        o, "qama", 64, new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        assertFalse(r.ok());
        assertTrue(r.status().startsWith("failed: exit 1: "), r.status());
        assertTrue(r.status().contains("no-such-backend"), r.status());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(r.status()), "printed: " + log);
    }

    @Test
    void slopesSeparateLinearFromQuadraticGrowth() {
        List<LongSeqResult> rs =
                List.of(
                        result("qama", 1000, 100e6 + 1000 * 40e3),
                        result("qama", 4000, 100e6 + 4000 * 40e3),
                        result("qama", 16000, 100e6 + 16000 * 40e3),
                        result("classical", 1000, 100e6 + 1e6 * 160),
                        result("classical", 4000, 100e6 + 16e6 * 160));
        assertEquals(1.0, LongSequenceBenchmark.memorySlope(rs, "qama", true), 1e-9);
        assertEquals(2.0, LongSequenceBenchmark.memorySlope(rs, "classical", true), 1e-9);
        double[] line = LongSequenceBenchmark.memoryLine(rs, "qama");
        assertEquals(100e6, line[0], 1);
        assertEquals(40e3, line[1], 1e-6);
        assertEquals(5L * 8 * 1024 * 1024 * 4, LongSequenceBenchmark.classicalScoreBytes(8, 1024));
    }

    private static LongSeqResult result(String kind, int n, double peak) {
        return new LongSeqResult(kind, n, 8, 64, "ok", "-", 1, 0, 1, (long) peak, (long) 100e6);
    }

    @Test
    void aTinyMeasurementOfBothBlocksWritesCsvAndPlots(@TempDir Path dir) throws Exception {
        LongSeqResult q = LongSeqRun.measure("qama", 96, 2, 4, "sb", 3);
        LongSeqResult c = LongSeqRun.measure("classical", 96, 2, 4, "sb", 3);
        assertTrue(q.ok(), q.status());
        assertTrue(c.ok(), c.status());
        assertEquals("sb", q.solver());
        assertTrue(q.solverMillis() > 0 && q.solverMillis() <= q.totalMillis());
        assertEquals(0, c.solverMillis());
        if (MemoryProbe.available()) {
            assertTrue(q.peakRssBytes() >= q.baselineRssBytes() && q.baselineRssBytes() > 0);
        }
        LongSequenceBenchmark.writeCsv(
                List.of(q, c, LongSeqResult.notRun("classical", 1 << 20, 2, 4, "skipped")),
                dir.resolve("long-seq.csv"));
        LongSeqPlot.write(List.of(q, c), dir);
        List<String> lines = Files.readAllLines(dir.resolve("long-seq.csv"));
        assertEquals(LongSeqResult.CSV_HEADER, lines.get(0));
        assertEquals(4, lines.size());
        assertEquals(q.toCsv(), lines.get(1));
        assertEquals(q.peakRssBytes(), LongSeqResult.parseCsv(lines.get(1)).peakRssBytes());
        assertTrue(Files.size(dir.resolve("long-seq-time.png")) > 1000);
        assertTrue(Files.size(dir.resolve("long-seq-memory.png")) > 1000);
        assertThrows(
                IllegalArgumentException.class,
                () -> LongSeqRun.measure("linear", 8, 1, 1, "sb", 1));
    }
}
