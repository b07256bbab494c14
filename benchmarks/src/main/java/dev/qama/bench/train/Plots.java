package dev.qama.bench.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG pictures of runs, drawn headless: training curves with XChart, and a grid of the tokens each
 * QAMA head selected for a few test images with plain Java 2D.
 */
public final class Plots {
    private static final int W = 640;
    private static final int H = 420;

    /** One colour per run, shared by its loss, training and test curves (Okabe–Ito palette). */
    private static final Color[] PALETTE = {
        new Color(0, 114, 178),
        new Color(213, 94, 0),
        new Color(0, 158, 115),
        new Color(204, 121, 167),
        new Color(230, 159, 0),
        new Color(86, 180, 233),
        new Color(0, 0, 0),
        new Color(240, 228, 66)
    };

    private Plots() {}

    /**
     * A labelled history.
     *
     * @param label legend text
     * @param history its epochs
     */
    public record Run(String label, History history) {}

    /**
     * Training loss (left) and accuracy (right) per epoch, one line per run, in one PNG; where a
     * run measured the held-out accuracy along the way, it is drawn dashed next to its training
     * accuracy.
     *
     * @throws IOException if the file cannot be written
     */
    public static void curves(List<Run> runs, String title, Path png) throws IOException {
        XYChart loss = chart(title + ": training loss", "loss");
        XYChart acc = chart(title + ": accuracy (test dashed)", "accuracy (%)");
        acc.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        int index = -1;
        for (Run r : runs) {
            index++;
            Color colour = PALETTE[index % PALETTE.length];
            List<History.Epoch> e = r.history().epochs();
            if (e.isEmpty()) {
                continue;
            }
            double[] x = new double[e.size()];
            double[] l = new double[e.size()];
            double[] a = new double[e.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = e.get(i).epoch();
                l[i] = e.get(i).loss();
                a[i] = 100 * e.get(i).trainAccuracy();
            }
            style(loss.addSeries(r.label(), x, l), x.length, colour);
            XYSeries train = acc.addSeries(r.label(), x, a);
            style(train, x.length, colour);
            List<History.Epoch> tested = e.stream().filter(History.Epoch::evaluated).toList();
            if (tested.size() > 1) {
                double[] tx = new double[tested.size()];
                double[] ta = new double[tested.size()];
                for (int i = 0; i < tx.length; i++) {
                    tx[i] = tested.get(i).epoch();
                    ta[i] = 100 * tested.get(i).testAccuracy();
                }
                XYSeries t = acc.addSeries(r.label() + " (test)", tx, ta);
                style(t, tx.length, colour);
                t.setLineStyle(
                        new BasicStroke(
                                2f,
                                BasicStroke.CAP_BUTT,
                                BasicStroke.JOIN_MITER,
                                10f,
                                new float[] {6f, 4f},
                                0f));
            }
        }
        BufferedImage img = new BufferedImage(2 * W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 2 * W, H);
            loss.paint(g, W, H);
            g.translate(W, 0);
            acc.paint(g, W, H);
        } finally {
            g.dispose();
        }
        write(img, png);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c =
                new XYChartBuilder()
                        .width(W)
                        .height(H)
                        .title(title)
                        .xAxisTitle("epoch")
                        .yAxisTitle(yTitle)
                        .build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        c.getStyler().setDecimalPattern("#0.##");
        c.getStyler().setXAxisDecimalPattern("#0");
        c.getStyler().setXAxisMaxLabelCount(12);
        return c;
    }

    private static void style(XYSeries s, int points, Color colour) {
        s.setMarker(points <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(2f));
        s.setLineColor(colour);
        s.setMarkerColor(colour);
    }

    /**
     * For each image (a row): the image, then one panel per head showing the image dimmed with the
     * patches that head selected outlined and tinted by their weight w.
     *
     * @param images the images (C = 1)
     * @param rows indices into {@code images}
     * @param selections per row, w[t·N + i] for H heads and N = (S/P)² tokens
     * @param heads H
     * @param patch P
     * @throws IOException if the file cannot be written
     */
    public static void selections(
            ImageSet images,
            int[] rows,
            List<double[]> selections,
            int heads,
            int patch,
            String title,
            Path png)
            throws IOException {
        int s = images.size();
        int side = s / patch;
        int cell = Math.max(4, 96 / s) * s; // image panel size in pixels
        int scale = cell / s;
        int gap = 8;
        int left = 40;
        int top = 44;
        int width = left + (heads + 1) * (cell + gap) + gap;
        int height = top + rows.length * (cell + gap) + gap;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, left, 16);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString("input", left + gap, top - 6);
            for (int t = 0; t < heads; t++) {
                g.drawString("head " + (t + 1), left + (t + 1) * (cell + gap) + gap, top - 6);
            }
            int per = images.pixelsPerImage();
            for (int r = 0; r < rows.length; r++) {
                int y0 = top + r * (cell + gap);
                int label = images.labels()[rows[r]];
                g.setColor(Color.BLACK);
                g.drawString(String.valueOf(label), 12, y0 + cell / 2 + 4);
                for (int col = 0; col <= heads; col++) {
                    int x0 = left + col * (cell + gap) + gap;
                    double[] w = col == 0 || r >= selections.size() ? null : selections.get(r);
                    for (int py = 0; py < s; py++) {
                        for (int px = 0; px < s; px++) {
                            float v = images.pixels()[rows[r] * per + py * s + px];
                            int grey = 255 - Math.round(255 * Math.max(0, Math.min(1, v)));
                            Color c;
                            if (w == null) {
                                c = new Color(grey, grey, grey);
                            } else {
                                int token = (py / patch) * side + px / patch;
                                double sel = w[(col - 1) * side * side + token];
                                // unselected patches faded, selected ones tinted orange
                                int g2 = 255 - (255 - grey) / (sel > 0 ? 1 : 3);
                                c =
                                        sel > 0
                                                ? blend(
                                                        new Color(g2, g2, g2),
                                                        new Color(255, 140, 0),
                                                        0.45 * sel)
                                                : new Color(g2, g2, g2);
                            }
                            g.setColor(c);
                            g.fillRect(x0 + px * scale, y0 + py * scale, scale, scale);
                        }
                    }
                    if (w != null) {
                        g.setColor(new Color(200, 60, 0));
                        for (int token = 0; token < side * side; token++) {
                            if (w[(col - 1) * side * side + token] > 0) {
                                int tx = x0 + (token % side) * patch * scale;
                                int ty = y0 + (token / side) * patch * scale;
                                g.drawRect(tx, ty, patch * scale - 1, patch * scale - 1);
                            }
                        }
                    }
                    g.setColor(Color.GRAY);
                    g.drawRect(x0 - 1, y0 - 1, cell + 1, cell + 1);
                }
            }
        } finally {
            g.dispose();
        }
        write(img, png);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color(
                (int) Math.round(a.getRed() * (1 - t) + b.getRed() * t),
                (int) Math.round(a.getGreen() * (1 - t) + b.getGreen() * t),
                (int) Math.round(a.getBlue() * (1 - t) + b.getBlue() * t));
    }

    private static void write(BufferedImage img, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer for " + png);
        }
    }
}
