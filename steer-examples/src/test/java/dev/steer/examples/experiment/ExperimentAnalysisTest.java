package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    ExperimentAnalysis.Report report = ExperimentAnalysis.analyze(synthetic(), ExperimentAnalysis.Settings.quick(2));
    String md = report.markdown();
    for (String section : List.of("## Outcomes by kind and strength", "## (a)", "## (b)", "## (c)")) {
      assertTrue(md.contains(section), section + " missing from:\n" + md);
    }
    assertFalse(md.contains("n/a"), md);
    assertEquals(Set.of("experiment-rates.svg", "experiment-nbf.svg", "experiment-kl.svg",
        "experiment-predicted.svg"), report.figures().keySet());
    for (String svg : report.figures().values()) {
      DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }
  }

  @Test
  void theOutcomeTableCountsLabelsPerStrength() {
    String md = ExperimentAnalysis.analyze(synthetic(), ExperimentAnalysis.Settings.quick(1)).markdown();
    // 4 concepts × 2 prompts = 8 runs per cell; at 0.45 all succeed, at 0.9 all over-steer
    assertTrue(md.contains("| additive | 0.45 | 8 | 1.00 | 0.00 |"), md);
    assertTrue(md.contains("| slerp | 0.9 | 8 | 0.00 | 1.00 |"), md);
  }

  @Test
  void theSearchMatchesTheGridWhenItsBudgetCoversEveryCandidate() {
    List<ResultRow> rows = synthetic();
    ConceptSplit split = ConceptSplit.of(Set.of("red", "night", "sailor", "joyful"), 0.3, 0);
    ExperimentAnalysis.Part train = ExperimentAnalysis.part(rows, split, false);
    var classifier = dev.steer.metrics.predict.SteerabilityClassifier.train(
        train.vectors(ResultsCsv.EARLY_SCHEMA), train.labels(), ExperimentAnalysis.Settings.quick(1).classifier());
    var outcome = ExperimentAnalysis.search(ExperimentAnalysis.part(rows, split, true).rows(), classifier, 20);
    assertEquals(1.0, outcome.withoutEarly().gridSuccessRate());
    assertEquals(1.0, outcome.withoutEarly().relativeSuccess());
    assertTrue(outcome.withoutEarly().tokenFraction() < 1);
    assertTrue(outcome.withEarly().tokenFraction() > outcome.withoutEarly().tokenFraction());
  }

  @Test
  void aConceptSplitHoldsOutThirtyPercentRoundedAndKeepsOneToTrain() {
    Set<String> eight = Set.of("a", "b", "c", "d", "e", "f", "g", "h");
    assertEquals(2, ConceptSplit.of(eight, 0.3, 0).held().size());
    assertEquals(1, ConceptSplit.of(Set.of("a", "b"), 0.3, 0).held().size());
    assertEquals(ConceptSplit.of(eight, 0.3, 4), ConceptSplit.of(eight, 0.3, 4));
  }

  @Test
  void theAnalysisReadsAWrittenCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      for (ResultRow r : synthetic()) {
        out.append(r);
      }
    }
    String md = ExperimentAnalysis.analyze(ResultsCsv.read(csv), ExperimentAnalysis.Settings.quick(1)).markdown();
    assertTrue(md.startsWith("96 runs, 4 concepts"), md);
  }
}
