package dev.qama.bench.longseq;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Log–log plots of the long-sequence benchmark (XChart): time and peak memory against N. */
final class LongSeqPlot {
    private LongSeqPlot() {}

    /** Writes {@code long-seq-time.png} and {@code long-seq-memory.png} into {@code dir}. */
    static void write(List<LongSeqResult> results, Path dir) throws IOException {
        XYChart time = chart("Forward + backward time (1 batch, H = 8, d = 64)", "time [s]");
        add(time, results, "qama", "QAMA total", r -> r.totalMillis() / 1e3);
        add(time, results, "qama", "QAMA solver", r -> r.solverMillis() / 1e3);
        add(time, results, "qama", "QAMA DJL side", r -> r.djlMillis() / 1e3);
        add(
                time,
                results,
                "classical",
                "DJL ScaledDotProductAttention",
                r -> r.totalMillis() / 1e3);
        BitmapEncoder.saveBitmap(
                time, dir.resolve("long-seq-time.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        XYChart mem = chart("Peak resident memory of the JVM (VmHWM)", "peak RSS [GiB]");
        add(mem, results, "qama", "QAMA", r -> r.peakRssBytes() / GIB);
        add(
                mem,
                results,
                "classical",
                "DJL ScaledDotProductAttention",
                r -> r.peakRssBytes() / GIB);
        BitmapEncoder.saveBitmap(
                mem, dir.resolve("long-seq-memory.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;

    private static XYChart chart(String title, String yTitle) {
        XYChart c =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title(title)
                        .xAxisTitle("sequence length N")
                        .yAxisTitle(yTitle)
                        .build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setMarkerSize(8);
        return c;
    }

    private static void add(
            XYChart c,
            List<LongSeqResult> results,
            String attention,
            String name,
            java.util.function.ToDoubleFunction<LongSeqResult> y) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (LongSeqResult r : results) {
            if (r.attention().equals(attention) && r.ok()) {
                double v = y.applyAsDouble(r);
                if (v > 0) {
                    xs.add((double) r.tokens());
                    ys.add(v);
                }
            }
        }
        if (!xs.isEmpty()) {
            c.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
