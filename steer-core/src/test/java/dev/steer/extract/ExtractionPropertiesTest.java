package dev.steer.extract;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Laws every extraction method obeys, over random overlapping data ({@link Fixtures#overlapping})
 * with 2 to 12 examples per class and hidden sizes 1 to 12, so both the "more rows than hidden
 * units" and the "fewer rows" code paths are exercised.
 */
class ExtractionPropertiesTest {

  /** Random overlapping data: a seed, examples per class and a hidden size. */
  record Data(int seed, int perClass, int hidden) {
    ContrastiveActivations activations() {
      return Fixtures.overlapping(seed, perClass, hidden);
    }
  }

  static Gen<Data> data() {
    return integers()
        .between(0, 1_000_000)
        .zip(integers().between(2, 12), integers().between(1, 12), Data::new);
  }

  /**
   * Applies {@code x_j ↦ k·(x_j + c·(j+1))} to every activation: a scale and an offset along a
   * fixed direction. The offset is in units of {@code k} so that float rounding stays small next to
   * the spread of the data.
   */
  private static ContrastiveActivations affine(ContrastiveActivations a, double k, double c) {
    return ContrastiveActivations.of(map(a, true, k, c), map(a, false, k, c));
  }

  private static List<float[][]> map(
      ContrastiveActivations a, boolean positives, double k, double c) {
    int count = positives ? a.positiveCount() : a.negativeCount();
    List<float[][]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      float[][] e = positives ? a.positive(i) : a.negative(i);
      for (float[] row : e) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) (k * (row[j] + c * (j + 1)));
        }
      }
      out.add(e);
    }
    return out;
  }

  @Test
  void pcaAndProbeDirectionsIgnoreScaleAndOffset() {
    qt(41)
        .forAll(data(), doubles(0.01, 100), doubles(-10, 10))
        .checkAssert(ExtractionPropertiesTest::directionsIgnoreScaleAndOffset);
  }

  private static void directionsIgnoreScaleAndOffset(Data data, double k, double c) {
    ContrastiveActivations a = data.activations();
    ContrastiveActivations b = affine(a, k, c);
    for (ExtractionMethod method : List.of(ExtractionMethod.PCA, ExtractionMethod.LINEAR_PROBE)) {
      SteeringVector v = VectorExtractor.extract(method, a, TokenPosition.LAST);
      SteeringVector w = VectorExtractor.extract(method, b, TokenPosition.LAST);
      assertEquals(1.0, v.cosine(w), 1e-4, method.id());
    }
  }

  @Test
  void meanDifferenceScalesWithTheActivationsAndIgnoresOffset() {
    qt(41)
        .forAll(data(), doubles(0.01, 100), doubles(-10, 10))
        .checkAssert(ExtractionPropertiesTest::meanDifferenceScalesAndIgnoresOffset);
  }

  private static void meanDifferenceScalesAndIgnoresOffset(Data data, double k, double c) {
    ContrastiveActivations a = data.activations();
    SteeringVector v = MeanDifference.extract(a, TokenPosition.LAST);
    SteeringVector w = MeanDifference.extract(affine(a, k, c), TokenPosition.LAST);
    assertEquals(k * v.norm(), w.norm(), 1e-4 * k * (v.norm() + Math.abs(c)));
    assertEquals(1.0, v.cosine(w), 1e-4);
  }

  /**
   * For the probe this is a theorem, not luck: with {@code z_i = (x_i − x̄)·w} (so {@code z̄ = 0}),
   * stationarity in {@code w} and {@code b} gives {@code Σ(y_i − ȳ)z_i = λ‖w‖²s + Σ(p_i − ȳ)z_i},
   * and the last sum is ≥ 0 because {@code p_i} increases with {@code z_i}; the left side is
   * proportional to {@code w·(mean of positives − mean of negatives)}.
   */
  @Test
  void everyMethodPointsFromTheNegativesTowardsThePositivesOnAverage() {
    qt(41).forAll(data()).checkAssert(ExtractionPropertiesTest::pointsTowardsThePositives);
  }

  private static void pointsTowardsThePositives(Data data) {
    ContrastiveActivations a = data.activations();
    double[] meanDifference = MeanDifference.extract(a, TokenPosition.LAST).toDoubleArray();
    for (ExtractionMethod method : ExtractionMethod.values()) {
      SteeringVector v = VectorExtractor.extract(method, a, TokenPosition.LAST);
      if (method == ExtractionMethod.PCA) {
        // PCA's sign follows the majority of pairs, not the means.
        assertTrue(Double.parseDouble(v.metadata().details().get("pair_agreement")) >= 0.5);
      } else {
        assertTrue(Fixtures.dot(v.toDoubleArray(), meanDifference) > 0, method.id());
      }
      if (method != ExtractionMethod.MEAN_DIFFERENCE) {
        assertEquals(1.0, v.norm(), 1e-6, method.id());
      }
    }
  }
}
