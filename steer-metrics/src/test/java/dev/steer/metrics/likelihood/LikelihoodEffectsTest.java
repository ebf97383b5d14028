package dev.steer.metrics.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LikelihoodEffectsTest {

  private static final double[] QUARTERS = {0.25, 0.5, 0.75, 1.0};

  @Test
  void normaliseDividesByMinusTheMaximum() {
    // max = -2 -> divide by 2
    assertArrayEquals(new double[] {-2, -1, -1.5}, LikelihoodEffects.normalise(new double[] {-4, -2, -3}), 0);
  }

  @Test
  void matchingExamplesAreSortedAscendingByControlScore() {
    // control -1 -2 -3 -4 sorted ascending: -4 -3 -2 -1 (indices 3 2 1 0)
    // Δ_match = steered − control in that order: 3 2 1 0
    // prefixes of ⌈f·4⌉ = 1, 2, 3, 4 examples: 3, 2.5, 2, 1.5
    SteeringEffects e =
        LikelihoodEffects.evaluateNormalised(
            new double[] {-1, -2, -3, -4},
            new double[] {-1, -1, -1, -1},
            new double[] {-1},
            new double[] {-1},
            QUARTERS);
    assertArrayEquals(new double[] {3, 2.5, 2, 1.5}, e.matching(), 0);
  }

  @Test
  void nonMatchingExamplesAreSortedDescendingWithTheSignFlipped() {
    // control -1 -3 -2 sorted descending: -1 -2 -3 (indices 0 2 1)
    // Δ_non = control − steered: index0: -1-(-2) = 1; index2: -2-(-2) = 0; index1: -3-(-6) = 3
    // prefixes of ⌈f·3⌉ = 1, 2, 3, 3 examples: 1, 0.5, 4/3, 4/3
    SteeringEffects e =
        LikelihoodEffects.evaluateNormalised(
            new double[] {-1},
            new double[] {-1},
            new double[] {-1, -3, -2},
            new double[] {-2, -6, -2},
            QUARTERS);
    assertArrayEquals(new double[] {1, 0.5, 4.0 / 3, 4.0 / 3}, e.nonMatching(), 1e-15);
  }

  @Test
  void evaluateNormalisesAllScoresOnOneScale() {
    // all eight scores: best is -0.5 -> every score is doubled in magnitude
    // matching: control -1 -2 -> -2 -4; steered -0.5 -1 -> -1 -2; Δ sorted by control ascending (idx1, idx0): 2, 1
    // non-matching: control -1 -> -2, steered -3 -> -6; Δ_non = -2 - (-6) = 4
    SteeringEffects e =
        LikelihoodEffects.evaluate(
            new double[] {-1, -2}, new double[] {-0.5, -1}, new double[] {-1}, new double[] {-3});
    assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0}, e.fractions(), 0);
    assertArrayEquals(new double[] {2, 2, 1.5, 1.5}, e.matching(), 0);
    assertEquals(4.0, e.nonMatchingAt(1.0), 0);
    assertEquals(2.0, e.matchingAt(0.25), 0);
  }

  @Test
  void aUniformDropInSteeredLikelihoodShowsAsANonMatchingEffect() {
    // steering halves the likelihood of everything: matching effect negative, non-matching positive
    SteeringEffects e =
        LikelihoodEffects.evaluate(
            new double[] {-1, -2}, new double[] {-2, -4}, new double[] {-1, -2}, new double[] {-2, -4});
    assertTrue(e.matchingAt(1.0) < 0);
    assertTrue(e.nonMatchingAt(1.0) > 0);
  }

  @Test
  void unchangedScoresGiveZeroEffects() {
    double[] c = {-1, -2, -3};
    SteeringEffects e = LikelihoodEffects.evaluate(c, c.clone(), c.clone(), c.clone());
    assertArrayEquals(new double[4], e.matching(), 0);
    assertArrayEquals(new double[4], e.nonMatching(), 0);
  }

  @Test
  void askingForAnUnevaluatedFractionFails() {
    SteeringEffects e =
        LikelihoodEffects.evaluate(new double[] {-1}, new double[] {-1}, new double[] {-1}, new double[] {-1});
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.matchingAt(0.3));
    assertTrue(ex.getMessage().contains("0.3"), ex.getMessage());
  }

  @Test
  void rejectsAZeroMaximum() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LikelihoodEffects.normalise(new double[] {-1, 0}));
    assertTrue(e.getMessage().contains("negative maximum"), e.getMessage());
  }

  @Test
  void rejectsPairedListsOfDifferentLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LikelihoodEffects.evaluate(
                    new double[] {-1, -2}, new double[] {-1}, new double[] {-1}, new double[] {-1}));
    assertTrue(e.getMessage().contains("matching lists differ in length: control 2 vs steered 1"), e.getMessage());
  }

  @Test
  void rejectsFractionsOutOfOrder() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LikelihoodEffects.evaluateNormalised(
                new double[] {-1}, new double[] {-1}, new double[] {-1}, new double[] {-1}, new double[] {0.5, 0.25}));
  }

  @Test
  void rejectsInfiniteScores() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LikelihoodEffects.evaluate(
                    new double[] {-1}, new double[] {Double.NEGATIVE_INFINITY}, new double[] {-1}, new double[] {-1}));
    assertTrue(e.getMessage().contains("steered matching[0]"), e.getMessage());
  }

  @Test
  void contrastiveEffectIsTheDifferenceOfLogProbabilityChanges() {
    // positive: -2 -> -1 (+1); negative: -1 -> -3 (-2); effect = 1 - (-2) = 3
    assertEquals(3.0, LikelihoodEffects.contrastive(-1, -2, -3, -1), 0);
  }

  @Test
  void meanContrastiveEffectAveragesExamples() {
    // example 0: (−1 − −2) − (−3 − −1) = 3; example 1: (−2 − −2) − (−1 − −1) = 0
    assertEquals(
        1.5,
        LikelihoodEffects.meanContrastive(
            new double[] {-1, -2}, new double[] {-2, -2}, new double[] {-3, -1}, new double[] {-1, -1}),
        0);
  }

  @Test
  void rejectsNonFiniteContrastiveInputs() {
    assertThrows(
        IllegalArgumentException.class, () -> LikelihoodEffects.contrastive(Double.NaN, -1, -1, -1));
  }
}
