package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.metrics.features.FeatureSchema;
import dev.steer.metrics.predict.SteerOutcome;
import dev.steer.metrics.predict.SteerabilityClassifier;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.testbed.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small real sweep on the shipped testbed, analysed with leave-one-concept-out cross-validation: the
 * early-feature classifier must beat the majority-class baseline on concepts it never saw, and steering
 * must succeed more often at some strength than unsteered.
 */
class SmallSweepFiguresTest {
  private static final List<String> CONCEPTS = List.of("joyful", "red", "london", "sailor");

  @Test
  void classifierBeatsTheMajorityBaselineOnHeldOutConcepts(@TempDir Path dir) throws Exception {
    ExperimentOptions o = ExperimentOptions.parse("--concepts", String.join(",", CONCEPTS),
        "--kinds", "additive,slerp", "--layers", "3", "--prompts", "4", "--tokens", "24", "--out", dir.toString());
    try (OnnxSteerableModel model = Testbed.open()) {
      SteerabilityExperiment.run(model, o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
    List<ResultRow> rows = ResultsCsv.read(dir.resolve("runs.csv"));
    FeatureSchema schema = ResultsCsv.EARLY_SCHEMA;
    List<Double> f1 = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    for (String held : CONCEPTS) {
      ConceptSplit split = new ConceptSplit(Set.of(held));
      ExperimentAnalysis.Part train = ExperimentAnalysis.part(rows, split, false);
      ExperimentAnalysis.Part test = ExperimentAnalysis.part(rows, split, true);
      SteerabilityClassifier c = SteerabilityClassifier.train(train.vectors(schema), train.labels(),
          ExperimentAnalysis.Settings.small(1).classifier());
      f1.add(c.macroF1(test.vectors(schema), test.labels()));
      baseline.add(majorityMacroF1(train.labels(), test.labels()));
    }
    double meanF1 = f1.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double meanBase = baseline.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    System.out.printf("leave-one-concept-out macro-F1 %s (mean %.3f) vs majority %s (mean %.3f)%n",
        f1, meanF1, baseline, meanBase);
    assertTrue(meanF1 > meanBase + 0.1, "macro-F1 " + f1 + " vs majority baseline " + baseline);

    long unsteered = rows.stream().filter(r -> r.key().strength() == 0).count();
    double baseSuccess = rows.stream().filter(r -> r.key().strength() == 0)
        .filter(r -> r.label().name().equals("SUCCESS")).count() / (double) unsteered;
    double bestSuccess = rows.stream().filter(r -> r.key().strength() != 0)
        .collect(java.util.stream.Collectors.groupingBy(r -> r.key().kind() + "@" + r.key().strength(),
            java.util.stream.Collectors.averagingDouble(r -> r.label().name().equals("SUCCESS") ? 1 : 0)))
        .values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertTrue(bestSuccess >= baseSuccess + 0.3, "success " + bestSuccess + " vs unsteered " + baseSuccess);
  }

  /** Macro-F1 (over the classes present in truth or prediction) of always predicting the training majority. */
  static double majorityMacroF1(List<SteerOutcome> train, List<SteerOutcome> test) {
    SteerOutcome majority = train.stream()
        .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()))
        .entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow().getKey();
    double sum = 0;
    int counted = 0;
    for (SteerOutcome c : SteerOutcome.values()) {
      long tp = test.stream().filter(t -> t == c && c == majority).count();
      long fp = test.stream().filter(t -> t != c && c == majority).count();
      long fn = test.stream().filter(t -> t == c && c != majority).count();
      if (tp + fp + fn > 0) {
        sum += 2.0 * tp / (2.0 * tp + fp + fn);
        counted++;
      }
    }
    return sum / counted;
  }
}
