package dev.steer.intervention;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

  @Test
  void decomposesATwoByTwoMatrix() {
    // [[2, 1], [1, 2]]: eigenvalues 3 and 1 with eigenvectors (1, 1)/√2 and (1, −1)/√2
    SymmetricEigen eigen = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
    assertEquals(3, eigen.value(0), 1e-14);
    assertEquals(1, eigen.value(1), 1e-14);
    double[] top = eigen.vector(0);
    assertEquals(Math.sqrt(0.5), Math.abs(top[0]), 1e-14);
    assertEquals(top[0], top[1], 1e-14);
  }

  @Test
  void eigenpairsSatisfyAvEqualsLambdaV() {
    qt(200)
        .forAll(longs().all(), integers().between(1, 24))
        .checkAssert(SymmetricEigenTest::eigenpairsOfARandomMatrix);
  }

  private static void eigenpairsOfARandomMatrix(long seed, int n) {
    Random random = new Random(seed);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        a[i][j] = a[j][i] = random.nextGaussian();
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(a);
    double trace = 0;
    double sum = 0;
    for (int k = 0; k < n; k++) {
      trace += a[k][k];
      sum += eigen.value(k);
      if (k > 0) {
        assertTrue(eigen.value(k - 1) >= eigen.value(k), "eigenvalues descend");
      }
      double[] v = eigen.vector(k);
      for (int i = 0; i < n; i++) {
        double av = 0;
        for (int j = 0; j < n; j++) {
          av += a[i][j] * v[j];
        }
        assertEquals(eigen.value(k) * v[i], av, 1e-10);
      }
      for (int m = 0; m <= k; m++) {
        assertEquals(m == k ? 1 : 0, DoubleVectors.dot(v, eigen.vector(m)), 1e-10);
      }
    }
    assertEquals(trace, sum, 1e-10);
  }
}
