package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Laws every extraction method obeys, over random overlapping data ({@link Fixtures#overlapping})
 * with 2 to 12 examples per class and hidden sizes 1 to 12, so both the "more rows than hidden
 * units" and the "fewer rows" code paths are exercised.
 */
class ExtractionPropertiesTest {

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

  @Property(tries = 40)
  void pcaAndProbeDirectionsIgnoreScaleAndOffset(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 2, max = 12) int perClass,
      @ForAll @IntRange(min = 1, max = 12) int hidden,
      @ForAll @DoubleRange(min = 0.01, max = 100) double k,
      @ForAll @DoubleRange(min = -10, max = 10) double c) {
    ContrastiveActivations a = Fixtures.overlapping(seed, perClass, hidden);
    ContrastiveActivations b = affine(a, k, c);
    for (ExtractionMethod method : List.of(ExtractionMethod.PCA, ExtractionMethod.LINEAR_PROBE)) {
      SteeringVector v = VectorExtractor.extract(method, a, TokenPosition.LAST);
      SteeringVector w = VectorExtractor.extract(method, b, TokenPosition.LAST);
      assertEquals(1.0, v.cosine(w), 1e-4, method.id());
    }
  }

  @Property(tries = 40)
  void meanDifferenceScalesWithTheActivationsAndIgnoresOffset(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 2, max = 12) int perClass,
      @ForAll @IntRange(min = 1, max = 12) int hidden,
      @ForAll @DoubleRange(min = 0.01, max = 100) double k,
      @ForAll @DoubleRange(min = -10, max = 10) double c) {
    ContrastiveActivations a = Fixtures.overlapping(seed, perClass, hidden);
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
  @Property(tries = 40)
  void everyMethodPointsFromTheNegativesTowardsThePositivesOnAverage(
      @ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 2, max = 12) int perClass,
      @ForAll @IntRange(min = 1, max = 12) int hidden) {
    ContrastiveActivations a = Fixtures.overlapping(seed, perClass, hidden);
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
