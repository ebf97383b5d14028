package dev.steer.examples.cli;

import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG line chart: one polyline (with point markers) per series over shared linear axes, five
 * labelled ticks per axis and a legend. The axes span exactly the finite data (a range of zero width is
 * widened by ±1), so x = min lands on the left edge of the plot area and y = max on its top edge.
 * Non-finite points are left out. Stateless.
 */
final class SvgLineChart {
  static final int WIDTH = 720;
  static final int HEIGHT = 420;
  static final int LEFT = 80;
  static final int RIGHT = 170;
  static final int TOP = 40;
  static final int BOTTOM = 60;
  private static final int TICKS = 5;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"
  };

  /** One line: its legend name and points (x[i], y[i]). */
  record Series(String name, double[] x, double[] y) {
    Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y");
      }
    }
  }

  private SvgLineChart() {}

  static String render(String title, String xLabel, String yLabel, List<Series> series) {
    double[] xr = range(series, true);
    double[] yr = range(series, false);
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    text(svg, WIDTH / 2.0 - RIGHT / 2.0, TOP / 2.0 + 4, "middle", 14, title);
    svg.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"%s\" fill=\"none\" stroke=\"#444\"/>%n",
        LEFT, TOP, fmt(plotW), fmt(plotH)));
    for (int i = 0; i < TICKS; i++) {
      double f = i / (double) (TICKS - 1);
      double px = LEFT + f * plotW;
      double py = TOP + plotH - f * plotH;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#ddd\"/>%n",
          fmt(px), fmt(TOP), fmt(px), fmt(TOP + plotH)));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#ddd\"/>%n",
          fmt(LEFT), fmt(py), fmt(LEFT + plotW), fmt(py)));
      text(svg, px, TOP + plotH + 16, "middle", 11, tick(xr[0] + f * (xr[1] - xr[0])));
      text(svg, LEFT - 6, py + 4, "end", 11, tick(yr[0] + f * (yr[1] - yr[0])));
    }
    text(svg, LEFT + plotW / 2, HEIGHT - 16, "middle", 12, xLabel);
    svg.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%s\" text-anchor=\"middle\" transform=\"rotate(-90 16 %s)\">%s</text>%n",
        fmt(TOP + plotH / 2), fmt(TOP + plotH / 2), escape(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      Series line = series.get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder points = new StringBuilder();
      StringBuilder markers = new StringBuilder();
      for (int i = 0; i < line.x().length; i++) {
        if (!Double.isFinite(line.x()[i]) || !Double.isFinite(line.y()[i])) {
          continue;
        }
        double px = LEFT + (line.x()[i] - xr[0]) / (xr[1] - xr[0]) * plotW;
        double py = TOP + plotH - (line.y()[i] - yr[0]) / (yr[1] - yr[0]) * plotH;
        points.append(points.length() == 0 ? "" : " ").append(fmt(px)).append(',').append(fmt(py));
        markers.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n",
            fmt(px), fmt(py), color));
      }
      svg.append(String.format(Locale.ROOT,
          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", color, points));
      svg.append(markers);
      double ly = TOP + 10 + 18 * s;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>%n",
          fmt(WIDTH - RIGHT + 14), fmt(ly), fmt(WIDTH - RIGHT + 38), fmt(ly), color));
      text(svg, WIDTH - RIGHT + 44, ly + 4, "start", 12, line.name());
    }
    return svg.append("</svg>\n").toString();
  }

  /** [min, max] of the finite x (or y) values, widened by ±1 when empty or of zero width. */
  private static double[] range(List<Series> series, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        double v = x ? s.x()[i] : s.y()[i];
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    return lo == hi ? new double[] {lo - 1, hi + 1} : new double[] {lo, hi};
  }

  private static void text(StringBuilder svg, double x, double y, String anchor, int size, String text) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        fmt(x), fmt(y), anchor, size, escape(text)));
  }

  private static String tick(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
