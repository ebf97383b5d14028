package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.testbed.Verdict;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/** The analysis on a small synthetic CSV whose labels follow the strength. */
class ExperimentAnalysisTest {

  /** 4 concepts × 2 kinds × 6 strengths × 2 prompts; under-steer below 0.3, success to 0.6, over above. */
  static List<ResultRow> synthetic() {
    Random random = new Random(3);
    List<ResultRow> rows = new ArrayList<>();
    for (String concept : List.of("red", "night", "sailor", "joyful")) {
      for (String kind : List.of("additive", "slerp")) {
        for (double s : new double[] {0, 0.15, 0.3, 0.45, 0.6, 0.9}) {
          for (int p = 0; p < 2; p++) {
            Verdict.Label label = s < 0.3 ? Verdict.Label.UNDER_STEER
                : s <= 0.6 ? Verdict.Label.SUCCESS : Verdict.Label.OVER_STEER;
            double concept01 = Math.min(1, 2 * s);
            double fluency = s > 0.6 ? 0.2 : 1;
            double[] ind = new double[ResultsCsv.INDICATOR_COLUMNS.size()];
            double[] early = new double[ResultsCsv.EARLY_COLUMNS.size()];
            for (int i = 0; i < ind.length; i++) {
              ind[i] = s * s * (1 + i % 3) + 0.01 * random.nextGaussian();
            }
            for (int i = 0; i < early.length; i++) {
              early[i] = s * (i % 5) + 0.01 * random.nextGaussian();
            }
            rows.add(new ResultRow(new RunKey(concept, "mean", kind, 3, s, p), concept01, fluency, label,
                s > 0.6 ? 40 : 30, ind, early));
          }
        }
      }
    }
    return rows;
  }

  @Test
  void theReportHasEverySectionAndParsableFigures() throws Exception {
    ExperimentAnalysis.Report report = ExperimentAnalysis.analyze(synthetic(), ExperimentAnalysis.Settings.quick());
    String md = report.markdown();
    for (String section : List.of("## Outcomes by kind and strength", "## (a)", "## (b)", "## (c)")) {
      assertTrue(md.contains(section), section + " missing from:\n" + md);
    }
    assertFalse(md.contains("n/a"), md);
    assertEquals(Set.of("experiment-rates.svg", "experiment-nbf.svg", "experiment-kl.svg",
        "experiment-score-by-method.svg", "experiment-predicted.svg"), report.figures().keySet());
    for (String svg : report.figures().values()) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }
  }

  @Test
  void theOutcomeTableCountsLabelsPerStrength() {
    String md = ExperimentAnalysis.analyze(synthetic(), ExperimentAnalysis.Settings.quick()).markdown();
    // 4 concepts × 2 prompts = 8 runs per cell; at 0.45 all succeed, at 0.9 all over-steer
    assertTrue(md.contains("| additive | 0.45 | 8 | 1.00 | 0.00 |"), md);
    assertTrue(md.contains("| slerp | 0.9 | 8 | 0.00 | 1.00 |"), md);
  }

  @Test
  void theSearchMatchesTheGridWhenItsBudgetCoversEveryCandidate() {
    List<ResultRow> rows = synthetic();
    ConceptSplit split = new ConceptSplit(Set.of("red"));
    ExperimentAnalysis.Part train = ExperimentAnalysis.part(rows, split, false);
    var classifier = dev.steer.metrics.predict.SteerabilityClassifier.train(
        train.vectors(ResultsCsv.EARLY_SCHEMA), train.labels(), ExperimentAnalysis.Settings.quick().classifier());
    ExperimentAnalysis.Searched searched = new ExperimentAnalysis.Searched();
    searched.add(ExperimentAnalysis.part(rows, split, true).rows(), classifier, 20);
    var without = dev.steer.metrics.predict.StrengthSearch.compare(searched.searched, searched.grids);
    var with = dev.steer.metrics.predict.StrengthSearch.compare(searched.searchedWithEarly, searched.grids);
    assertEquals(1.0, without.gridSuccessRate());
    assertEquals(1.0, without.relativeSuccess());
    assertTrue(without.tokenFraction() < 1);
    assertTrue(with.tokenFraction() > without.tokenFraction());
  }

  @Test
  void perSettingRowsAverageTheJudgeScoreAndIndicatorsOverPrompts() {
    List<ResultRow> rows = synthetic();
    List<ResultRow> settings = ExperimentAnalysis.perSetting(rows);
    assertEquals(rows.size() / 2, settings.size()); // 2 prompts per setting
    ResultRow first = settings.get(0);
    List<ResultRow> members = rows.stream().filter(r -> r.key().concept().equals(first.key().concept())
        && r.key().kind().equals(first.key().kind()) && r.key().strength() == first.key().strength()).toList();
    assertEquals(2, members.size());
    assertEquals((members.get(0).judgeScore() + members.get(1).judgeScore()) / 2, first.judgeScore(), 1e-12);
    assertEquals((members.get(0).indicators()[3] + members.get(1).indicators()[3]) / 2, first.indicators()[3], 1e-12);
  }

  @Test
  void leaveOneConceptOutHoldsOutEachConceptOnceInNameOrder() {
    List<ConceptSplit> splits = ConceptSplit.leaveOneOut(Set.of("night", "red", "joyful"));
    assertEquals(List.of(Set.of("joyful"), Set.of("night"), Set.of("red")),
        splits.stream().map(ConceptSplit::held).toList());
    assertThrows(IllegalArgumentException.class, () -> ConceptSplit.leaveOneOut(Set.of("red")));
  }

  @Test
  void conceptKlRatiosDivideByTheUnsteeredRunOfTheSameConceptMethodLayerAndPrompt() {
    List<ResultRow> rows = synthetic();
    var unsteered = ExperimentAnalysis.unsteeredRuns(rows);
    ResultRow steered = rows.stream().filter(r -> r.key().strength() > 0).findFirst().orElseThrow();
    ResultRow base = unsteered.get(ExperimentAnalysis.unsteeredKey(steered.key()));
    assertEquals(0.0, base.key().strength());
    assertEquals(steered.key().prompt(), base.key().prompt());
    var set = ExperimentAnalysis.FeatureSet.CONCEPT_KL;
    List<String> names = ExperimentAnalysis.regressionNames(set);
    double[] x = ExperimentAnalysis.regressionRow(steered, set, base);
    assertEquals(names.size(), x.length);
    int column = ResultsCsv.INDICATOR_COLUMNS.indexOf("concept_kl_after_mean");
    double expected = steered.indicators()[column] / base.indicators()[column];
    assertEquals(expected, x[names.indexOf("concept_kl_after_mean_ratio")], 1e-12);
  }

  @Test
  void theAnalysisReadsAWrittenCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      for (ResultRow r : synthetic()) {
        out.append(r);
      }
    }
    String md = ExperimentAnalysis.analyze(ResultsCsv.read(csv), ExperimentAnalysis.Settings.quick()).markdown();
    assertTrue(md.startsWith("96 runs, 4 concepts, leave-one-concept-out"), md);
  }
}
