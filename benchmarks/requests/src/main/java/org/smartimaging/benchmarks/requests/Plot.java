package org.smartimaging.benchmarks.requests;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A horizontal bar chart of the median ratios (direct / SDK), one pair of bars per scenario, as PNG. */
final class Plot {

    private static final int WIDTH = 900;
    private static final int ROW = 34;
    private static final int LEFT = 380;
    private static final int TOP = 50;
    private static final double MAX_RATIO = 3.0;

    private Plot() {}

    static void write(Results results, Path png) throws IOException {
        List<String> scenarios = List.copyOf(results.seconds.keySet());
        int height = TOP + ROW * scenarios.size() + 40;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString("SDK speed vs Orthanc direct (direct time / SDK time; right of 1.0 = SDK faster)", 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0x1f77b4));
        g.fillRect(10, 30, 10, 10);
        g.setColor(Color.BLACK);
        g.drawString("dicom-web source", 24, 40);
        g.setColor(new Color(0xff7f0e));
        g.fillRect(140, 30, 10, 10);
        g.setColor(Color.BLACK);
        g.drawString("folder source", 154, 40);
        int plotWidth = WIDTH - LEFT - 60;
        for (int i = 0; i < scenarios.size(); i++) {
            String scenario = scenarios.get(i);
            int y = TOP + i * ROW;
            g.setColor(Color.BLACK);
            g.drawString(scenario.length() > 58 ? scenario.substring(0, 57) + "..." : scenario, 10, y + 18);
            bar(g, results.medianRatio(scenario, "dicom-web source"), y + 4, plotWidth, new Color(0x1f77b4));
            bar(g, results.medianRatio(scenario, "folder source"), y + 17, plotWidth, new Color(0xff7f0e));
        }
        for (double tick = 0; tick <= MAX_RATIO; tick += 0.5) {
            int x = LEFT + (int) (tick / MAX_RATIO * plotWidth);
            g.setColor(tick == 1.0 ? Color.RED : Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(tick == 1.0 ? 2f : 1f));
            g.drawLine(x, TOP - 4, x, TOP + ROW * scenarios.size());
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.1fx", tick), x - 10, TOP + ROW * scenarios.size() + 16);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static void bar(Graphics2D g, double ratio, int y, int plotWidth, Color color) {
        if (Double.isNaN(ratio)) {
            return;
        }
        int w = (int) (Math.min(ratio, MAX_RATIO) / MAX_RATIO * plotWidth);
        g.setColor(color);
        g.fillRect(LEFT, y, w, 11);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "%.2fx", ratio), LEFT + w + 4, y + 10);
    }
}
