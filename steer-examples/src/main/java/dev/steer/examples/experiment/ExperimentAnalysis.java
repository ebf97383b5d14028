package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.steer.metrics.features.FeatureSchema;
import dev.steer.metrics.features.FeatureVector;
import dev.steer.metrics.predict.HyperParameters;
import dev.steer.metrics.predict.JudgeScoreRegressor;
import dev.steer.metrics.predict.SteerOutcome;
import dev.steer.metrics.predict.SteerabilityClassifier;
import dev.steer.metrics.predict.StrengthSearch;
import dev.steer.metrics.predict.TrainingOptions;
import dev.steer.testbed.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Analyses the experiment's CSV ({@link ResultsCsv}) and writes a Markdown report and SVG figures:
 *
 * <ol>
 *   <li>outcome rates, judge score, NBF and KL per intervention kind and strength (pooled over concepts,
 *       methods, layers and prompts);
 *   <li>(a) {@link JudgeScoreRegressor} predicting judge score = concept score × fluency from strength,
 *       kind/method/layer indicators and the NBF/KL summaries, against the same model without the
 *       summaries; R² on held-out concepts;
 *   <li>(b) {@link SteerabilityClassifier} on the early features → label, with and without the per-step
 *       BF/NBF/KL extension columns; macro-F1 on held-out concepts;
 *   <li>(c) {@link StrengthSearch} with the extended classifier against the exhaustive grid per (concept,
 *       method, kind, layer, prompt) group of the held-out concepts: success rate and decoded tokens.
 * </ol>
 *
 * Each of (a)–(c) repeats over {@code seeds} grouped splits ({@link ConceptSplit}, 30 % of concepts held
 * out) and reports the mean and standard deviation over seeds. Non-finite feature values (e.g. cosine
 * features of a zero edit at strength 0) are set to 0 before training.
 *
 * <p>Usage: {@code ExperimentAnalysis --csv OUT/runs.csv [--figures DIR] [--report FILE] [--seeds 5]
 * [--threads 2] [--grid default|small]}: the default grid is the library's (12 tree configurations, + linear
 * for the regressor); {@code small} trains 2 (+ 1) configurations, for large CSVs.
 */
public final class ExperimentAnalysis {

  static final double HELD_OUT = 0.3;
  static final int EARLY_TOKENS = FeatureSchema.DEFAULT_STEPS.get(FeatureSchema.DEFAULT_STEPS.size() - 1) + 1;
  static final List<Integer> BUDGETS = List.of(1, 2, 3, 20);

  private ExperimentAnalysis() {}

  /** Settings of one analysis. */
  record Settings(int seeds, TrainingOptions classifier, TrainingOptions regressor) {
    static Settings standard(int seeds, int threads) {
      return new Settings(seeds,
          new TrainingOptions(HyperParameters.defaultTreeGrid(), 0.25, 0, threads),
          new TrainingOptions(HyperParameters.defaultRegressionGrid(), 0.25, 0, threads));
    }

    /** Trees of depth {4, 6} at η 0.3 for 100 rounds (+ linear for the regressor): for large CSVs. */
    static Settings small(int seeds, int threads) {
      List<HyperParameters> trees = List.of(HyperParameters.trees(4, 0.3, 100), HyperParameters.trees(6, 0.3, 100));
      List<HyperParameters> regression = new ArrayList<>(trees);
      regression.add(HyperParameters.linear(0.5, 200));
      return new Settings(seeds, new TrainingOptions(trees, 0.25, 0, threads),
          new TrainingOptions(regression, 0.25, 0, threads));
    }

    /** One small tree configuration: for tests. */
    static Settings quick(int seeds) {
      List<HyperParameters> one = List.of(HyperParameters.trees(2, 0.3, 10));
      return new Settings(seeds, new TrainingOptions(one, 0.25, 0, 1), new TrainingOptions(one, 0.25, 0, 1));
    }
  }

  /** The report: Markdown text and SVG figures by file name. */
  record Report(String markdown, Map<String, String> figures) {}

  /** Reads the CSV, writes the report (stdout and {@code --report}) and figures ({@code --figures}). */
  public static void main(String[] args) throws IOException {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      checkArgument(args[i].startsWith("--"), "expected --name value, got '%s'", args[i]);
      o.put(args[i].substring(2), args[i + 1]);
    }
    checkArgument(args.length % 2 == 0 && o.containsKey("csv"),
        "usage: ExperimentAnalysis --csv OUT/runs.csv [--figures DIR] [--report FILE] [--seeds 5] [--threads 2]"
            + " [--grid default|small]");
    List<ResultRow> rows = ResultsCsv.read(Path.of(o.get("csv")));
    int seeds = Integer.parseInt(o.getOrDefault("seeds", "5"));
    int threads = Integer.parseInt(o.getOrDefault("threads", "2"));
    String grid = o.getOrDefault("grid", "default");
    checkArgument(grid.equals("default") || grid.equals("small"), "--grid must be default or small: %s", grid);
    Settings settings = grid.equals("small") ? Settings.small(seeds, threads) : Settings.standard(seeds, threads);
    Report report = analyze(rows, settings);
    System.out.print(report.markdown());
    if (o.containsKey("report")) {
      Files.writeString(Path.of(o.get("report")), report.markdown());
    }
    if (o.containsKey("figures")) {
      Path dir = Files.createDirectories(Path.of(o.get("figures")));
      for (Map.Entry<String, String> f : report.figures().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue());
      }
    }
  }

  static Report analyze(List<ResultRow> rows, Settings settings) {
    checkArgument(!rows.isEmpty(), "the CSV holds no runs");
    StringBuilder md = new StringBuilder();
    Map<String, String> figures = new LinkedHashMap<>();
    TreeSet<String> concepts = new TreeSet<>();
    rows.forEach(r -> concepts.add(r.key().concept()));
    md.append(String.format(Locale.ROOT, "%d runs, %d concepts, %d seeds of a split holding out %d%% of concepts.%n%n",
        rows.size(), concepts.size(), settings.seeds(), Math.round(HELD_OUT * 100)));
    OutcomeTable.write(rows, md, figures);
    List<ConceptSplit> splits = new ArrayList<>();
    for (int s = 0; s < settings.seeds(); s++) {
      splits.add(ConceptSplit.of(concepts, HELD_OUT, s));
    }
    regression(rows, splits, settings, md, figures);
    classification(rows, splits, settings, md);
    return new Report(md.toString(), figures);
  }

  // ---- (a) judge-score regression

  static List<String> regressionNames(boolean withIndicators) {
    List<String> names = new ArrayList<>(List.of("strength", "layer"));
    for (SteeringKind k : SteeringKind.values()) {
      names.add("kind_" + k.id());
    }
    for (String m : List.of("mean", "pca", "probe")) {
      names.add("method_" + m);
    }
    if (withIndicators) {
      names.addAll(ResultsCsv.INDICATOR_COLUMNS);
    }
    return names;
  }

  static double[] regressionRow(ResultRow r, boolean withIndicators) {
    List<Double> v = new ArrayList<>(List.of(r.key().strength(), (double) r.key().layer()));
    for (SteeringKind k : SteeringKind.values()) {
      v.add(k.id().equals(r.key().kind()) ? 1.0 : 0.0);
    }
    for (String m : List.of("mean", "pca", "probe")) {
      v.add(m.equals(r.key().method()) ? 1.0 : 0.0);
    }
    if (withIndicators) {
      for (double x : r.indicators()) {
        v.add(x);
      }
    }
    return finite(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static void regression(List<ResultRow> rows, List<ConceptSplit> splits, Settings settings,
      StringBuilder md, Map<String, String> figures) {
    md.append("## (a) Judge-score regression on NBF/KL features (held-out concepts)\n\n");
    md.append("| features | R² per seed | mean ± sd |\n|---|---|---|\n");
    double[][] firstPrediction = null;
    for (boolean withIndicators : new boolean[] {false, true}) {
      List<Double> r2s = new ArrayList<>();
      for (ConceptSplit split : splits) {
        Part train = part(rows, split, false);
        Part test = part(rows, split, true);
        if (train.rows.size() < 4 || test.rows.isEmpty()) {
          continue;
        }
        JudgeScoreRegressor model = JudgeScoreRegressor.train(regressionNames(withIndicators),
            train.x(withIndicators), train.scores(), settings.regressor());
        double[][] tx = test.x(withIndicators);
        r2s.add(model.r2(tx, test.scores()));
        if (withIndicators && firstPrediction == null) {
          firstPrediction = new double[][] {test.scores(), model.predict(tx)};
        }
      }
      md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n",
          withIndicators ? "strength, kind, method, layer + NBF/KL summaries (%d)".formatted(
              regressionNames(true).size()) : "strength, kind, method, layer only (%d)".formatted(
              regressionNames(false).size()), list(r2s), meanSd(r2s)));
    }
    md.append('\n');
    if (firstPrediction != null) {
      figures.put("experiment-predicted.svg", new SvgFigure("Judge score on held-out concepts (seed 0)")
          .add(new SvgFigure.Panel("predicted vs actual", "actual score", "predicted score",
              List.of(new SvgFigure.Series("runs", firstPrediction[0], firstPrediction[1], false)), true))
          .render());
    }
  }

  // ---- (b) steerability classifier and (c) strength search

  private static void classification(List<ResultRow> rows, List<ConceptSplit> splits, Settings settings,
      StringBuilder md) {
    md.append("## (b) Steerability classifier on early features (held-out concepts)\n\n");
    md.append("| features | macro-F1 per seed | mean ± sd |\n|---|---|---|\n");
    FeatureSchema extended = ResultsCsv.EARLY_SCHEMA;
    FeatureSchema base = extended.base();
    Map<Integer, List<StrengthSearch.Comparison>> searches = new TreeMap<>();
    Map<Integer, List<StrengthSearch.Comparison>> searchesWithEarly = new TreeMap<>();
    for (FeatureSchema schema : List.of(base, extended)) {
      boolean isExtended = schema == extended;
      List<Double> f1s = new ArrayList<>();
      for (ConceptSplit split : splits) {
        Part train = part(rows, split, false);
        Part test = part(rows, split, true);
        if (train.rows.size() < 4 || test.rows.isEmpty() || train.labelCount() < 2) {
          continue;
        }
        SteerabilityClassifier c = SteerabilityClassifier.train(train.vectors(schema), train.labels(),
            settings.classifier());
        f1s.add(c.macroF1(test.vectors(schema), test.labels()));
        if (isExtended) {
          for (int k : BUDGETS) {
            SearchOutcome s = search(test.rows, c, k);
            searches.computeIfAbsent(k, x -> new ArrayList<>()).add(s.withoutEarly());
            searchesWithEarly.computeIfAbsent(k, x -> new ArrayList<>()).add(s.withEarly());
          }
        }
      }
      md.append(String.format(Locale.ROOT, "| %s (%d columns) | %s | %s |%n",
          isExtended ? "base + per-step BF/NBF/KL" : "base (Fan et al.)", schema.size(), list(f1s), meanSd(f1s)));
    }
    md.append("\n## (c) Strength search vs exhaustive grid (held-out concepts)\n\n");
    md.append("Per (concept, method, kind, layer, prompt) group: candidates = the kind's strength grid; the"
        + " search decodes in order of the extended classifier's P(success), stopping at the first judged"
        + " success or after K decodes (τ = 0). Token ratio = search tokens / grid tokens, without and with"
        + " the " + EARLY_TOKENS + "-token early decode per candidate that computes the features.\n\n");
    md.append("| K | search success | grid success | relative | token ratio | token ratio incl. early |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (int k : searches.keySet()) {
      List<StrengthSearch.Comparison> cs = searches.get(k);
      List<StrengthSearch.Comparison> ce = searchesWithEarly.get(k);
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", k,
          meanSd(cs.stream().map(StrengthSearch.Comparison::searchSuccessRate).toList()),
          meanSd(cs.stream().map(StrengthSearch.Comparison::gridSuccessRate).toList()),
          meanSd(cs.stream().map(StrengthSearch.Comparison::relativeSuccess).toList()),
          meanSd(cs.stream().map(StrengthSearch.Comparison::tokenFraction).toList()),
          meanSd(ce.stream().map(StrengthSearch.Comparison::tokenFraction).toList())));
    }
    md.append('\n');
  }

  record SearchOutcome(StrengthSearch.Comparison withoutEarly, StrengthSearch.Comparison withEarly) {}

  /** Strength search against the grid for every group of {@code test} rows. */
  static SearchOutcome search(List<ResultRow> test, SteerabilityClassifier classifier, int budget) {
    Map<String, Map<Double, ResultRow>> groups = new TreeMap<>();
    for (ResultRow r : test) {
      RunKey k = r.key();
      String group = String.join("/", k.concept(), k.method(), k.kind(), Integer.toString(k.layer()),
          Integer.toString(k.prompt()));
      groups.computeIfAbsent(group, g -> new TreeMap<>()).put(k.strength(), r);
    }
    List<StrengthSearch.Result> searched = new ArrayList<>();
    List<StrengthSearch.Result> searchedWithEarly = new ArrayList<>();
    List<StrengthSearch.Result> grids = new ArrayList<>();
    for (Map<Double, ResultRow> g : groups.values()) {
      List<Double> strengths = new ArrayList<>(g.keySet());
      double[][] rowsX = new double[strengths.size()][];
      for (int i = 0; i < rowsX.length; i++) {
        rowsX[i] = finite(g.get(strengths.get(i)).early());
      }
      double[][] p = classifier.predictProba(rowsX);
      Map<Double, Double> success = new LinkedHashMap<>();
      long early = 0;
      for (int i = 0; i < rowsX.length; i++) {
        success.put(strengths.get(i), p[i][SteerOutcome.SUCCESS.index()]);
        early += Math.min(EARLY_TOKENS, g.get(strengths.get(i)).tokens());
      }
      StrengthSearch.Result s = StrengthSearch.search(strengths, success::get, a -> decode(g.get(a)), budget, 0);
      searched.add(s);
      searchedWithEarly.add(new StrengthSearch.Result(s.strength(), s.decodedStrengths(), s.decodedTokens() + early));
      grids.add(StrengthSearch.grid(strengths, a -> decode(g.get(a))));
    }
    return new SearchOutcome(StrengthSearch.compare(searched, grids), StrengthSearch.compare(searchedWithEarly, grids));
  }

  private static StrengthSearch.Decode decode(ResultRow r) {
    return new StrengthSearch.Decode(r.label() == Verdict.Label.SUCCESS, r.tokens());
  }

  // ---- helpers

  /** The rows on one side of a split. */
  record Part(List<ResultRow> rows) {
    double[][] x(boolean withIndicators) {
      return rows.stream().map(r -> regressionRow(r, withIndicators)).toArray(double[][]::new);
    }

    double[] scores() {
      return rows.stream().mapToDouble(ResultRow::judgeScore).toArray();
    }

    List<SteerOutcome> labels() {
      return rows.stream().map(r -> SteerOutcome.valueOf(r.label().name())).toList();
    }

    long labelCount() {
      return rows.stream().map(ResultRow::label).distinct().count();
    }

    List<FeatureVector> vectors(FeatureSchema schema) {
      List<FeatureVector> out = new ArrayList<>(rows.size());
      for (ResultRow r : rows) {
        double[] v = new double[schema.size()];
        System.arraycopy(r.early(), 0, v, 0, v.length); // the base columns come first
        out.add(FeatureVector.of(schema, finite(v)));
      }
      return out;
    }
  }

  static Part part(List<ResultRow> rows, ConceptSplit split, boolean test) {
    return new Part(rows.stream().filter(r -> split.isTest(r) == test).collect(ImmutableList.toImmutableList()));
  }

  static double[] finite(double[] v) {
    double[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      if (!Double.isFinite(out[i])) {
        out[i] = 0;
      }
    }
    return out;
  }

  static String list(List<Double> xs) {
    return String.join(", ", xs.stream().map(x -> String.format(Locale.ROOT, "%.3f", x)).toList());
  }

  static String meanSd(List<Double> xs) {
    if (xs.isEmpty()) {
      return "n/a";
    }
    double m = xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : xs) {
      ss += (x - m) * (x - m);
    }
    double sd = xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0;
    return String.format(Locale.ROOT, "%.3f ± %.3f", m, sd);
  }
}
