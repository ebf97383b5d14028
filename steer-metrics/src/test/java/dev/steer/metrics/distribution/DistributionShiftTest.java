package dev.steer.metrics.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DistributionShiftTest {

  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  private static float[] logitsOfWeights(double... w) {
    float[] x = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      x[i] = (float) Math.log(w[i]);
    }
    return x;
  }

  @Test
  void divergencesMatchHandComputation() {
    // p_s = (0.5, 0.5), p_u = (0.9, 0.1), m = (0.7, 0.3)
    DistributionShift shift =
        DistributionShift.between(logitsOfWeights(0.5, 0.5), logitsOfWeights(0.9, 0.1));
    double kl = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
    double reverse = 0.9 * Math.log(0.9 / 0.5) + 0.1 * Math.log(0.1 / 0.5);
    double js =
        0.5 * (0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3))
            + 0.5 * (0.9 * Math.log(0.9 / 0.7) + 0.1 * Math.log(0.1 / 0.3));
    assertEquals(kl, shift.kl(), 1e-6);
    assertEquals(reverse, shift.reverseKl(), 1e-6);
    assertEquals(js, shift.jensenShannon(), 1e-6);
  }

  @Test
  void staticHelpersAgreeWithTheRecord() {
    float[] p = {1f, 2f, 0.5f};
    float[] q = {0f, 1f, 3f};
    DistributionShift shift = DistributionShift.between(p, q);
    assertEquals(shift.kl(), DistributionShift.kl(p, q), 0);
    assertEquals(shift.reverseKl(), DistributionShift.kl(q, p), 0);
    assertEquals(shift.jensenShannon(), DistributionShift.jensenShannon(p, q), 0);
  }

  @Test
  void tokensWithZeroProbabilityContributeZero() {
    // p = (1, 0), q = (0.5, 0.5): KL(p‖q) = ln 2; the masked token adds nothing
    DistributionShift shift = DistributionShift.between(new float[] {0f, NEG_INF}, new float[] {0f, 0f});
    assertEquals(Math.log(2), shift.kl(), 1e-12);
    double js =
        0.5 * (1 * Math.log(1 / 0.75)) + 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25));
    assertEquals(js, shift.jensenShannon(), 1e-12);
  }

  @Test
  void klIsInfiniteWhenTheOtherRowMasksAPossibleToken() {
    DistributionShift shift = DistributionShift.between(new float[] {0f, NEG_INF}, new float[] {0f, 0f});
    assertEquals(Double.POSITIVE_INFINITY, shift.reverseKl());
  }

  @Test
  void disjointSupportsGiveJensenShannonLn2() {
    DistributionShift shift =
        DistributionShift.between(new float[] {0f, NEG_INF}, new float[] {NEG_INF, 0f});
    assertEquals(Math.log(2), shift.jensenShannon(), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, shift.kl());
  }

  @Test
  void identicalRowsGiveExactZeros() {
    float[] x = {1e30f, 3f, NEG_INF, -1e30f};
    DistributionShift shift = DistributionShift.between(x, x.clone());
    assertEquals(0.0, shift.kl(), 0);
    assertEquals(0.0, shift.reverseKl(), 0);
    assertEquals(0.0, shift.jensenShannon(), 1e-15);
  }

  @Test
  void rejectsRowsOfDifferentLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DistributionShift.between(new float[] {0f, 1f}, new float[] {0f}));
    assertTrue(e.getMessage().contains("steered 2 vs unsteered 1"), e.getMessage());
  }

  @Test
  void rejectsNaNNamingTheRowAndIndex() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DistributionShift.between(new float[] {0f, 1f}, new float[] {Float.NaN, 0f}));
    assertTrue(e.getMessage().contains("unsteered[0]"), e.getMessage());
  }
}
