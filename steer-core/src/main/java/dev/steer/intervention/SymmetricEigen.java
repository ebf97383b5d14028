package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Eigen-decomposition of a small real symmetric matrix by the cyclic Jacobi method: exact up to
 * double rounding, O(n³) per sweep, and it converges quadratically (a handful of sweeps for the
 * matrices used here: Gram matrices of one candidate direction per layer).
 */
final class SymmetricEigen {
  private static final int MAX_SWEEPS = 100;

  private final double[] values; // descending
  private final double[][] vectors; // vectors[k] is the unit eigenvector of values[k]

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes {@code symmetric} (not modified); only its upper triangle is trusted to be
   * symmetric.
   */
  static SymmetricEigen of(double[][] symmetric) {
    int n = symmetric.length;
    checkArgument(n > 0, "matrix must not be empty");
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      checkArgument(
          symmetric[i].length == n,
          "matrix must be square: row %s has length %s, not %s",
          i,
          symmetric[i].length,
          n);
      for (int j = 0; j < n; j++) {
        a[i][j] = i <= j ? symmetric[i][j] : symmetric[j][i];
        checkArgument(
            Double.isFinite(a[i][j]), "matrix entry (%s, %s) is not finite: %s", i, j, a[i][j]);
      }
    }
    double[][] v = new double[n][n]; // columns become the eigenvectors
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double total = 0;
    for (double[] row : a) {
      for (double x : row) {
        total += x * x;
      }
    }
    for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > 1e-30 * total; sweep++) {
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] != 0) {
            rotate(a, v, p, q);
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      values[k] = a[order[k]][order[k]];
      for (int i = 0; i < n; i++) {
        vectors[k][i] = v[i][order[k]];
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /** A ← JᵀAJ and V ← VJ for the plane rotation J that zeroes a[p][q]. */
  private static void rotate(double[][] a, double[][] v, int p, int q) {
    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
    double c = 1 / Math.hypot(t, 1);
    double s = t * c;
    int n = a.length;
    for (int k = 0; k < n; k++) {
      double akp = a[k][p];
      double akq = a[k][q];
      a[k][p] = c * akp - s * akq;
      a[k][q] = s * akp + c * akq;
    }
    for (int k = 0; k < n; k++) {
      double apk = a[p][k];
      double aqk = a[q][k];
      a[p][k] = c * apk - s * aqk;
      a[q][k] = s * apk + c * aqk;
    }
    for (int k = 0; k < n; k++) {
      double vkp = v[k][p];
      double vkq = v[k][q];
      v[k][p] = c * vkp - s * vkq;
      v[k][q] = s * vkp + c * vkq;
    }
    a[p][q] = 0; // zero in exact arithmetic; drop the rounding residue
    a[q][p] = 0;
  }

  private static double offDiagonal(double[][] a) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) {
        if (i != j) {
          s += a[i][j] * a[i][j];
        }
      }
    }
    return s;
  }

  /** The k-th largest eigenvalue. */
  double value(int k) {
    return values[k];
  }

  /** A copy of the unit eigenvector of {@link #value(int) value(k)}. */
  double[] vector(int k) {
    return vectors[k].clone();
  }

  int size() {
    return values.length;
  }
}
