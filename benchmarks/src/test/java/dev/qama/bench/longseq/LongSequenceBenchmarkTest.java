package dev.qama.bench.longseq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
