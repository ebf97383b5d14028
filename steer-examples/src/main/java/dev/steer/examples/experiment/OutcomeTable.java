package dev.steer.examples.experiment;

import dev.steer.testbed.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Per intervention kind and strength, pooled over concepts, methods, layers and prompts: run count,
 * success and over-steer rates, mean judge score, mean run NBF ({@code mean_nbf}) and mean per-step KL
 * ({@code kl_mean}); per extraction method (and per layer) and kind, the best strength's success rate. Writes Markdown tables and
 * the rate, NBF and KL figures.
 */
final class OutcomeTable {

  private OutcomeTable() {}

  /** Sums over the runs of one cell. */
  static final class Cell {
    int n;
    int success;
    int over;
    double score;
    double nbf;
    double kl;

    void add(ResultRow r) {
      n++;
      success += r.label() == Verdict.Label.SUCCESS ? 1 : 0;
      over += r.label() == Verdict.Label.OVER_STEER ? 1 : 0;
      score += r.judgeScore();
      nbf += r.indicators()[ResultsCsv.INDICATOR_COLUMNS.indexOf("mean_nbf")];
      kl += r.indicators()[ResultsCsv.INDICATOR_COLUMNS.indexOf("kl_mean")];
    }
  }

  static Map<String, Map<Double, Cell>> byKind(List<ResultRow> rows, Predicate<ResultRow> filter) {
    Map<String, Map<Double, Cell>> cells = new TreeMap<>();
    for (ResultRow r : rows) {
      if (filter.test(r)) {
        cells.computeIfAbsent(r.key().kind(), k -> new TreeMap<>())
            .computeIfAbsent(r.key().strength(), s -> new Cell()).add(r);
      }
    }
    return cells;
  }

  static void write(List<ResultRow> rows, StringBuilder md, Map<String, String> figures) {
    Map<String, Map<Double, Cell>> cells = byKind(rows, r -> true);
    md.append("## Outcomes by kind and strength (all concepts, methods, layers, prompts pooled)\n\n");
    md.append("| kind | strength | runs | success | over-steer | mean score | mean NBF | mean KL (nats) |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    SvgFigure rates = new SvgFigure("Judge labels vs strength");
    SvgFigure nbf = new SvgFigure("Run NBF (mean steered BF / mean unsteered BF) vs strength");
    SvgFigure kl = new SvgFigure("Mean per-step KL(steered ‖ unsteered) vs strength");
    for (Map.Entry<String, Map<Double, Cell>> e : cells.entrySet()) {
      String kind = e.getKey();
      int m = e.getValue().size();
      double[] x = new double[m];
      double[] succ = new double[m];
      double[] over = new double[m];
      double[] nb = new double[m];
      double[] k = new double[m];
      int i = 0;
      for (Map.Entry<Double, Cell> c : e.getValue().entrySet()) {
        Cell cell = c.getValue();
        x[i] = c.getKey();
        succ[i] = (double) cell.success / cell.n;
        over[i] = (double) cell.over / cell.n;
        nb[i] = cell.nbf / cell.n;
        k[i] = cell.kl / cell.n;
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.3f |%n", kind,
            RunKey.formatStrength(x[i]), cell.n, succ[i], over[i], cell.score / cell.n, nb[i], k[i]));
        i++;
      }
      String xLabel = xLabel(kind);
      rates.add(new SvgFigure.Panel(kind, xLabel, "fraction of runs", List.of(
          new SvgFigure.Series("success", x, succ, true), new SvgFigure.Series("over-steer", x, over, true)), false));
      nbf.add(new SvgFigure.Panel(kind, xLabel, "NBF", List.of(new SvgFigure.Series("NBF", x, nb, true)), false));
      kl.add(new SvgFigure.Panel(kind, xLabel, "KL (nats)", List.of(new SvgFigure.Series("KL", x, k, true)), false));
    }
    md.append('\n');
    bestBy(rows, md, "extraction method", r -> r.key().method());
    bestBy(rows, md, "layer", r -> Integer.toString(r.key().layer()));
    figures.put("experiment-score-by-method.svg", scoreByMethod(rows));
    figures.put("experiment-rates.svg", rates.render());
    figures.put("experiment-nbf.svg", nbf.render());
    figures.put("experiment-kl.svg", kl.render());
  }

  /** Mean judge score vs strength, one panel per kind, one line per extraction method. */
  private static String scoreByMethod(List<ResultRow> rows) {
    SvgFigure figure = new SvgFigure("Mean judge score (concept × fluency) vs strength, by extraction method");
    List<String> methods = rows.stream().map(r -> r.key().method()).distinct().sorted().toList();
    Map<String, Map<String, Map<Double, Cell>>> byMethod = new TreeMap<>();
    for (String m : methods) {
      byMethod.put(m, byKind(rows, r -> r.key().method().equals(m)));
    }
    for (String kind : rows.stream().map(r -> r.key().kind()).distinct().sorted().toList()) {
      List<SvgFigure.Series> series = new ArrayList<>();
      for (String m : methods) {
        Map<Double, Cell> cells = byMethod.get(m).getOrDefault(kind, Map.of());
        double[] x = cells.keySet().stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = cells.values().stream().mapToDouble(c -> c.score / c.n).toArray();
        series.add(new SvgFigure.Series(m, x, y, true));
      }
      figure.add(new SvgFigure.Panel(kind, xLabel(kind), "mean judge score", series, false));
    }
    return figure.render();
  }

  private static void bestBy(List<ResultRow> rows, StringBuilder md, String what, Function<ResultRow, String> group) {
    List<String> methods = new ArrayList<>(rows.stream().map(group).distinct().sorted().toList());
    md.append("## Best strength's success rate, by ").append(what).append(" and kind\n\n| ").append(what).append(" |");
    List<String> kinds = rows.stream().map(r -> r.key().kind()).distinct().sorted().toList();
    for (String k : kinds) {
      md.append(' ').append(k).append(" |");
    }
    md.append("\n|---|").append("---|".repeat(kinds.size())).append('\n');
    for (String method : methods) {
      Map<String, Map<Double, Cell>> cells = byKind(rows, r -> method.equals(group.apply(r)));
      md.append("| ").append(method).append(" |");
      for (String k : kinds) {
        double best = -1;
        double at = Double.NaN;
        for (Map.Entry<Double, Cell> c : cells.getOrDefault(k, Map.of()).entrySet()) {
          double rate = (double) c.getValue().success / c.getValue().n;
          if (rate > best) {
            best = rate;
            at = c.getKey();
          }
        }
        md.append(best < 0 ? " – |" : String.format(Locale.ROOT, " %.2f (at %s) |", best, RunKey.formatStrength(at)));
      }
      md.append('\n');
    }
    md.append('\n');
  }

  static String xLabel(String kind) {
    return switch (kind) {
      case "additive" -> "strength (× residual norm)";
      case "slerp" -> "slerp fraction";
      case "angular" -> "target angle from b1 (degrees)";
      case "plane" -> "rotation (degrees)";
      default -> "strength";
    };
  }
}
