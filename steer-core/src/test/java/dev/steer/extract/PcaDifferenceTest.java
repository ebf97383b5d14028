package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaDifferenceTest {

  /** Random pairs whose differences share a mean shift along the first axis. */
  private static ContrastiveActivations randomPairs(long seed, int pairs, int hidden) {
    Random random = new Random(seed);
    float[][] pos = new float[pairs][hidden];
    float[][] neg = new float[pairs][hidden];
    for (int i = 0; i < pairs; i++) {
      for (int j = 0; j < hidden; j++) {
        neg[i][j] = (float) random.nextGaussian();
        pos[i][j] = (float) (neg[i][j] + random.nextGaussian() + (j == 0 ? 1.5 : 0));
      }
    }
    return ContrastiveActivations.ofVectors(pos, neg);
  }

  private static double[][] differences(ContrastiveActivations a) {
    double[][] d = new double[a.positiveCount()][];
    for (int i = 0; i < d.length; i++) {
      double[] p = Fixtures.widen(a.positive(i)[0]);
      double[] n = Fixtures.widen(a.negative(i)[0]);
      d[i] = new double[p.length];
      for (int j = 0; j < p.length; j++) {
        d[i][j] = p[j] - n[j];
      }
    }
    return d;
  }

  @Test
  void takesTheTopAxisOfTheUncentredDifferences_handComputed() {
    // Differences (3, 0) and (0, 1): Σ δδᵀ = diag(9, 1), top axis (1, 0), explaining 9/10.
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(
            new float[][] {{4, 1}, {2, 3}}, new float[][] {{1, 1}, {2, 2}});
    SteeringVector v = PcaDifference.extract(a, TokenPosition.LAST);
    assertArrayEquals(new float[] {1, 0}, v.toArray(), 1e-7f);
    assertEquals("pca", v.metadata().method());
    assertEquals("0.9", v.metadata().details().get("explained_variance"));
    assertEquals(
        "0.5", v.metadata().details().get("pair_agreement")); // (0, 1)·d = 0 counts for neither
  }

  @Test
  void matchesAPowerIterationReferenceWithMorePairsThanHiddenUnits() {
    ContrastiveActivations a = randomPairs(1, 12, 5);
    double[] reference = Fixtures.topAxisByPowerIteration(differences(a));
    double[] v = PcaDifference.extract(a, TokenPosition.LAST).toDoubleArray();
    assertEquals(1.0, Math.abs(Fixtures.cosine(v, reference)), 1e-7);
  }

  @Test
  void matchesAPowerIterationReferenceWithFewerPairsThanHiddenUnits() {
    ContrastiveActivations a = randomPairs(2, 4, 9);
    double[] reference = Fixtures.topAxisByPowerIteration(differences(a));
    double[] v = PcaDifference.extract(a, TokenPosition.LAST).toDoubleArray();
    assertEquals(1.0, Math.abs(Fixtures.cosine(v, reference)), 1e-7);
  }

  @Test
  void positivesProjectHigherThanTheirNegativesInMostPairs() {
    ContrastiveActivations a = randomPairs(3, 15, 6);
    double[] v = PcaDifference.extract(a, TokenPosition.LAST).toDoubleArray();
    int above = 0;
    for (double[] delta : differences(a)) {
      above += Fixtures.dot(delta, v) > 0 ? 1 : 0;
    }
    assertTrue(above > 15 / 2, "pairs with the positive higher: " + above);
  }

  @Test
  void swappingPositivesAndNegativesNegatesTheDirection() {
    ContrastiveActivations a = randomPairs(4, 10, 5);
    SteeringVector v = PcaDifference.extract(a, TokenPosition.LAST);
    SteeringVector w = PcaDifference.extract(a.swapped(), TokenPosition.LAST);
    assertArrayEquals(v.scale(-1).toArray(), w.toArray(), 1e-7f);
  }

  @Test
  void swappingTheOrderWithinOnePairLeavesTheAxisUnchanged() {
    // RepE's random within-pair swaps do not move the uncentred second moment.
    ContrastiveActivations a = randomPairs(5, 10, 5);
    List<float[][]> pos = new ArrayList<>();
    List<float[][]> neg = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      pos.add(i == 3 ? a.negative(i) : a.positive(i));
      neg.add(i == 3 ? a.positive(i) : a.negative(i));
    }
    SteeringVector v = PcaDifference.extract(a, TokenPosition.LAST);
    SteeringVector w =
        PcaDifference.extract(ContrastiveActivations.of(pos, neg), TokenPosition.LAST);
    assertEquals(1.0, Math.abs(v.cosine(w)), 1e-7);
  }

  @Test
  void aTieInPairCountsIsBrokenByTheSumOfProjections() {
    double[] d = {1, 0};
    // one pair above (+1), one below (−2): tie 1–1, sum −1, so d flips
    int agreeing = PcaDifference.orient(d, new double[][] {{1, 0}, {-2, 0}});
    assertArrayEquals(new double[] {-1, 0}, d, 0.0);
    assertEquals(1, agreeing);
  }

  @Test
  void aFullTieMakesTheLargestComponentPositive() {
    double[] d = {0.6, -0.8};
    // projections +0.6 and −0.6: counts tie and sum to zero
    PcaDifference.orient(d, new double[][] {{1, 0}, {-1, 0}});
    assertArrayEquals(new double[] {-0.6, 0.8}, d, 0.0);
  }

  @Test
  void readerScoresDistanceFromTheCentreAlongTheDirection_handComputed() {
    // Differences (2, 0) twice: d = (1, 0). Centre = mean of all four rows = (3, 0).
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(
            new float[][] {{3, 1}, {5, -1}}, new float[][] {{1, 1}, {3, -1}});
    RepReader reader = PcaDifference.reader(a, TokenPosition.LAST);
    assertArrayEquals(new float[] {3, 0}, reader.centre());
    assertEquals(4.0, reader.score(new float[] {7, 9}), 1e-6);
    assertEquals(-3.0, reader.score(new float[] {0, -5}), 1e-6);
  }

  @Test
  void readerRejectsAnActivationOfTheWrongSize() {
    RepReader reader = PcaDifference.reader(randomPairs(6, 3, 4), TokenPosition.LAST);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> reader.score(new float[3]));
    assertTrue(e.getMessage().contains("size 3; expected the hidden size 4"), e.getMessage());
  }

  @Test
  void rejectsUnequalCountsNamingBoth() {
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(new float[][] {{1}, {2}, {3}}, new float[][] {{0}, {1}});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PcaDifference.extract(a, TokenPosition.LAST));
    assertTrue(e.getMessage().contains("3 positives and 2 negatives"), e.getMessage());
  }

  @Test
  void rejectsPairsWithoutAnyDifference() {
    float[][] same = {{1, 2}, {3, 4}};
    ContrastiveActivations a = ContrastiveActivations.ofVectors(same, same);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PcaDifference.extract(a, TokenPosition.LAST));
    assertTrue(e.getMessage().contains("pair differences are all zero"), e.getMessage());
  }
}
