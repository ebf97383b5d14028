package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal SVG writer for small multiples: a row of panels, each with linear axes, polylines and/or
 * point series and a legend. Axis ranges cover the data (plus any {@code y = x} diagonal); non-finite
 * points are skipped. Not thread-safe.
 */
final class SvgFigure {

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  private static final int PANEL_W = 300;
  private static final int PANEL_H = 230;
  private static final int LEFT = 50;
  private static final int TOP = 30;
  private static final int PLOT_W = 230;
  private static final int PLOT_H = 160;

  /** One series: a line through the points (in order) or unconnected points. */
  record Series(String name, double[] x, double[] y, boolean line) {
    Series {
      checkArgument(x.length == y.length, "series %s has %s x but %s y values", name, x.length, y.length);
    }
  }

  /** One panel: its title, axis labels, series, and whether to draw the diagonal y = x. */
  record Panel(String title, String xLabel, String yLabel, List<Series> series, boolean diagonal) {}

  private final String title;
  private final List<Panel> panels = new ArrayList<>();

  SvgFigure(String title) {
    this.title = title;
  }

  SvgFigure add(Panel p) {
    panels.add(p);
    return this;
  }

  String render() {
    checkArgument(!panels.isEmpty(), "a figure needs at least one panel");
    int width = PANEL_W * panels.size();
    int height = PANEL_H + 30;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
    b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">%s</text>%n",
        width / 2, escape(title)));
    for (int i = 0; i < panels.size(); i++) {
      panel(b, panels.get(i), i * PANEL_W, 20);
    }
    return b.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder b, Panel p, int ox, int oy) {
    double[] xr = range(p, true);
    double[] yr = range(p, false);
    int x0 = ox + LEFT;
    int y0 = oy + TOP;
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        x0 + PLOT_W / 2, oy + 14, escape(p.title())));
    b.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", x0, y0, PLOT_W, PLOT_H));
    for (int t = 0; t <= 4; t++) {
      double xv = xr[0] + (xr[1] - xr[0]) * t / 4;
      double yv = yr[0] + (yr[1] - yr[0]) * t / 4;
      double px = x0 + PLOT_W * t / 4.0;
      double py = y0 + PLOT_H - PLOT_H * t / 4.0;
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
          px, y0 + PLOT_H + 13, tick(xv, (xr[1] - xr[0]) / 4)));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
          x0 - 4, py + 4, tick(yv, (yr[1] - yr[0]) / 4)));
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", x0, py, x0 + PLOT_W, py));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        x0 + PLOT_W / 2, y0 + PLOT_H + 28, escape(p.xLabel())));
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>%n",
        ox + 12, y0 + PLOT_H / 2, ox + 12, y0 + PLOT_H / 2, escape(p.yLabel())));
    if (p.diagonal()) {
      double lo = Math.max(xr[0], yr[0]);
      double hi = Math.min(xr[1], yr[1]);
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>%n",
          sx(lo, xr, x0), sy(lo, yr, y0), sx(hi, xr, x0), sy(hi, yr, y0)));
    }
    for (int s = 0; s < p.series().size(); s++) {
      Series series = p.series().get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (int i = 0; i < series.x().length; i++) {
        double x = series.x()[i];
        double y = series.y()[i];
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
          continue;
        }
        if (series.line()) {
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(x, xr, x0), sy(y, yr, y0)));
        }
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"%s/>%n",
            sx(x, xr, x0), sy(y, yr, y0), series.line() ? "2.5" : "1.5", color,
            series.line() ? "" : " fill-opacity=\"0.35\""));
      }
      if (series.line() && pts.length() > 0) {
        b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
            pts.toString().trim(), color));
      }
      b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>%n",
          x0 + 6, y0 + 6 + 13 * s, color));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
          x0 + 20, y0 + 11 + 13 * s, color, escape(series.name())));
    }
  }

  private static double sx(double x, double[] r, int x0) {
    return x0 + (x - r[0]) / (r[1] - r[0]) * PLOT_W;
  }

  private static double sy(double y, double[] r, int y0) {
    return y0 + PLOT_H - (y - r[0]) / (r[1] - r[0]) * PLOT_H;
  }

  private static double[] range(Panel p, boolean x) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : p.series()) {
      for (int i = 0; i < s.x().length; i++) {
        double v = x ? s.x()[i] : s.y()[i];
        if (Double.isFinite(v) && Double.isFinite(x ? s.y()[i] : s.x()[i])) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!(lo <= hi)) {
      return new double[] {0, 1};
    }
    if (hi - lo < 1e-12) {
      return new double[] {lo - 0.5, hi + 0.5};
    }
    double pad = (hi - lo) * 0.04;
    return new double[] {lo - pad, hi + pad};
  }

  /** v with enough decimals to tell ticks {@code step} apart. */
  static String tick(double v, double step) {
    int decimals = (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(step))));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
