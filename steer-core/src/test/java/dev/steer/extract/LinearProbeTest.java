package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

  /** Positives around (+2, 0, ..), negatives around (−2, 0, ..), with small noise: separable. */
  private static ContrastiveActivations separable(long seed, int perClass, int hidden) {
    Random random = new Random(seed);
    float[][] pos = new float[perClass][hidden];
    float[][] neg = new float[perClass + 3][hidden];
    for (float[][] rows : new float[][][] {pos, neg}) {
      for (float[] row : rows) {
        for (int j = 0; j < hidden; j++) {
          row[j] =
              (float) (0.3 * random.nextGaussian() + (j == 0 ? (rows == pos ? 2 : -2) : 0) + 5);
        }
      }
    }
    return ContrastiveActivations.ofVectors(pos, neg);
  }

  /**
   * Plain gradient descent on the documented objective (centred rows divided by the RMS scale s,
   * sum of log-losses, (λ/2)‖w‖², free intercept): an independent reference for the Newton solver.
   */
  private static double[] referenceDirection(ContrastiveActivations a, double l2) {
    int nPos = a.positiveCount();
    int n = nPos + a.negativeCount();
    int d = a.hiddenSize();
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Fixtures.widen(i < nPos ? a.positive(i)[0] : a.negative(i - nPos)[0]);
      y[i] = i < nPos ? 1 : 0;
    }
    x = Fixtures.centred(x);
    double sumSquares = 0;
    for (double[] row : x) {
      sumSquares += Fixtures.dot(row, row);
    }
    double s = Math.sqrt(sumSquares / (n * d));
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] /= s;
      }
    }
    double lipschitz =
        0.25 * (sumSquares / (s * s) + n) + l2; // bound on the Hessian's largest eigenvalue
    double[] w = new double[d];
    double b = 0;
    for (int iteration = 0; iteration < 200_000; iteration++) {
      double[] gw = new double[d];
      double gb = 0;
      for (int i = 0; i < n; i++) {
        double r = 1 / (1 + Math.exp(-(Fixtures.dot(x[i], w) + b))) - y[i];
        for (int j = 0; j < d; j++) {
          gw[j] += r * x[i][j];
        }
        gb += r;
      }
      for (int j = 0; j < d; j++) {
        w[j] -= (gw[j] + l2 * w[j]) / lipschitz;
      }
      b -= gb / lipschitz;
    }
    return Fixtures.unit(w);
  }

  @Test
  void separatesLinearlySeparableDataWithItsSignTowardsThePositives() {
    ContrastiveActivations a = separable(1, 20, 4);
    SteeringVector v = LinearProbe.extract(a, TokenPosition.LAST);
    assertTrue(v.toDoubleArray()[0] > 0.9, "weight on the separating axis: " + v);
    assertEquals("1.0", v.metadata().details().get("train_accuracy"));
    double lowestPositive = Double.MAX_VALUE;
    double highestNegative = -Double.MAX_VALUE;
    for (int i = 0; i < a.negativeCount(); i++) {
      highestNegative =
          Math.max(
              highestNegative, Fixtures.dot(Fixtures.widen(a.negative(i)[0]), v.toDoubleArray()));
    }
    for (int i = 0; i < a.positiveCount(); i++) {
      lowestPositive =
          Math.min(
              lowestPositive, Fixtures.dot(Fixtures.widen(a.positive(i)[0]), v.toDoubleArray()));
    }
    assertTrue(lowestPositive > highestNegative, lowestPositive + " vs " + highestNegative);
  }

  @Test
  void swappingPositivesAndNegativesNegatesTheDirection() {
    ContrastiveActivations a = separable(2, 15, 3);
    SteeringVector v = LinearProbe.extract(a, TokenPosition.LAST);
    SteeringVector w = LinearProbe.extract(a.swapped(), TokenPosition.LAST);
    assertEquals(-1.0, v.cosine(w), 1e-6);
  }

  @Test
  void matchesGradientDescentWithMoreRowsThanHiddenUnits() {
    ContrastiveActivations a = Fixtures.overlapping(3, 14, 3);
    double[] v = LinearProbe.extract(a, TokenPosition.LAST, 0.5).toDoubleArray();
    assertEquals(1.0, Fixtures.cosine(v, referenceDirection(a, 0.5)), 1e-6);
  }

  @Test
  void matchesGradientDescentWithFewerRowsThanHiddenUnits() {
    // 6 rows in 10 dimensions: solved in the span of the rows.
    ContrastiveActivations a = Fixtures.overlapping(4, 3, 10);
    double[] v = LinearProbe.extract(a, TokenPosition.LAST, 2.0).toDoubleArray();
    assertEquals(1.0, Fixtures.cosine(v, referenceDirection(a, 2.0)), 1e-6);
  }

  @Test
  void strongRegularisationTendsToTheMeanDifference() {
    ContrastiveActivations a = Fixtures.overlapping(5, 10, 6);
    SteeringVector probe = LinearProbe.extract(a, TokenPosition.LAST, 1e9);
    SteeringVector meanDifference = MeanDifference.extract(a, TokenPosition.LAST);
    assertEquals(1.0, probe.cosine(meanDifference), 1e-6);
  }

  @Test
  void recordsItsSettings() {
    SteeringVector v = LinearProbe.extract(separable(6, 5, 2), TokenPosition.LAST, 0.25);
    assertEquals("linear_probe", v.metadata().method());
    assertEquals("0.25", v.metadata().details().get("l2"));
    assertEquals("5", v.metadata().details().get("positives"));
    assertEquals("8", v.metadata().details().get("negatives"));
  }

  @Test
  void rejectsANonPositiveOrNonFiniteL2() {
    ContrastiveActivations a = separable(7, 3, 2);
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> LinearProbe.extract(a, TokenPosition.LAST, bad));
      assertTrue(e.getMessage().contains("l2 must be positive and finite: " + bad), e.getMessage());
    }
  }

  @Test
  void rejectsActivationsThatAreAllIdentical() {
    float[][] same = {{1, 2}, {1, 2}};
    ContrastiveActivations a = ContrastiveActivations.ofVectors(same, same);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LinearProbe.extract(a, TokenPosition.LAST));
    assertTrue(e.getMessage().contains("all 4 pooled activations are identical"), e.getMessage());
  }

  @Test
  void rejectsClassesThatCannotBeToldApart() {
    // Same rows on both sides: the optimum is w = 0.
    float[][] rows = {{1, 2}, {3, 5}};
    ContrastiveActivations a = ContrastiveActivations.ofVectors(rows, rows);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LinearProbe.extract(a, TokenPosition.LAST));
    assertTrue(e.getMessage().contains("probe weight is zero"), e.getMessage());
  }
}
