package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import java.util.List;

/** The plane construction of {@link RotationPlane#fromCandidates}; see there for the formulas. */
final class PlaneFit {
  /** Below this, the centred candidates have no spread to take a principal component of. */
  static final double MIN_VARIANCE = 1e-10;

  /** Below this, the principal component is only b1 plus rounding noise. */
  static final double MIN_ORTHOGONAL_PART = 1e-4;

  /** Below this, ū·b2 is treated as zero and the sign tie-break applies. */
  private static final double SIGN_TIE = 1e-9;

  private PlaneFit() {}

  static RotationPlane fit(List<SteeringVector> candidates) {
    checkNotNull(candidates, "candidates");
    int n = candidates.size();
    checkArgument(n >= 2, "fitting a plane needs at least 2 candidate directions, got %s", n);
    double[][] u = unitCandidates(candidates);
    int d = u[0].length;

    int best = mostCentral(u);
    double[] b1 = u[best];

    double[] mean = new double[d];
    for (double[] ui : u) {
      for (int k = 0; k < d; k++) {
        mean[k] += ui[k] / n;
      }
    }
    double[][] x = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        x[i][k] = u[i][k] - mean[k];
      }
    }
    double[] pc = firstPrincipalComponent(x);

    double[][] basis = DoubleVectors.gramSchmidt(b1, pc);
    double orthogonalPart = basis[2][0];
    checkArgument(
        orthogonalPart > MIN_ORTHOGONAL_PART,
        "the candidate directions are collinear: their first principal component lies along b1"
            + " (its part orthogonal to b1 has norm %s <= 1e-4), so they span no plane",
        orthogonalPart);
    double[] b2 = basis[1];
    if (orientation(mean, b2) < 0) {
      b2 = DoubleVectors.scaled(b2, -1);
    }
    SteeringVector first = RotationPlane.withProvenance(b1, candidates.get(best));
    return new RotationPlane(first, SteeringVector.of(b2));
  }

  private static double[][] unitCandidates(List<SteeringVector> candidates) {
    int d = -1;
    double[][] u = new double[candidates.size()][];
    for (int i = 0; i < u.length; i++) {
      SteeringVector c = candidates.get(i);
      checkNotNull(c, "candidate %s is null", i);
      if (d < 0) {
        d = c.dimension();
        checkArgument(d >= 2, "a rotation plane needs dimension >= 2, got %s", d);
      }
      checkArgument(
          c.dimension() == d,
          "candidates must share one dimension: candidate %s has %s, candidate 0 has %s",
          i,
          c.dimension(),
          d);
      double norm = c.norm();
      checkArgument(norm > 0, "candidate %s is the zero vector; its direction is undefined", i);
      u[i] = DoubleVectors.scaled(c.toDoubleArray(), 1 / norm);
    }
    return u;
  }

  /** Index of the unit vector with the highest mean cosine to the others (the first on ties). */
  private static int mostCentral(double[][] u) {
    int best = 0;
    double bestSum = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < u.length; i++) {
      double sum = 0;
      for (int j = 0; j < u.length; j++) {
        if (j != i) {
          sum += DoubleVectors.dot(u[i], u[j]);
        }
      }
      // Every candidate is compared against the same n − 1 others, so sums rank like means.
      if (sum > bestSum) {
        best = i;
        bestSum = sum;
      }
    }
    return best;
  }

  /**
   * Unit first principal direction of the rows xᵢ of X: the top eigenvector of XᵀX (d×d). When there
   * are fewer rows than columns it is found from the smaller Gram matrix XXᵀ (n×n) instead, as
   * Xᵀa/‖Xᵀa‖ for its top eigenvector a, so the eigen-solver works on min(n, d)² entries.
   */
  static double[] firstPrincipalComponent(double[][] x) {
    return x.length <= x[0].length ? viaGram(x) : viaCovariance(x);
  }

  static double[] viaGram(double[][] x) {
    int n = x.length;
    double[][] gram = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        gram[i][j] = DoubleVectors.dot(x[i], x[j]);
        gram[j][i] = gram[i][j];
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(gram);
    checkVariance(eigen.value(0));
    double[] a = eigen.vector(0);
    double[] pc = new double[x[0].length];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < pc.length; k++) {
        pc[k] += a[i] * x[i][k];
      }
    }
    return DoubleVectors.scaled(pc, 1 / DoubleVectors.norm(pc));
  }

  static double[] viaCovariance(double[][] x) {
    int d = x[0].length;
    double[][] scatter = new double[d][d];
    for (double[] row : x) {
      for (int k = 0; k < d; k++) {
        for (int l = k; l < d; l++) {
          scatter[k][l] += row[k] * row[l];
        }
      }
    }
    for (int k = 0; k < d; k++) {
      for (int l = 0; l < k; l++) {
        scatter[k][l] = scatter[l][k];
      }
    }
    SymmetricEigen eigen = SymmetricEigen.of(scatter);
    checkVariance(eigen.value(0));
    return eigen.vector(0);
  }

  /** The largest eigenvalue is the same for XXᵀ and XᵀX: the spread along the first component. */
  private static void checkVariance(double variance) {
    checkArgument(
        variance > MIN_VARIANCE,
        "the candidate directions all point the same way (largest variance of the centred stack is"
            + " %s <= 1e-10), so they span no plane",
        variance);
  }

  /** ū·b2, or the largest-magnitude component of b2 when ū·b2 is at rounding level. */
  private static double orientation(double[] mean, double[] b2) {
    double s = DoubleVectors.dot(mean, b2);
    if (Math.abs(s) > SIGN_TIE) {
      return s;
    }
    int largest = 0;
    for (int k = 1; k < b2.length; k++) {
      if (Math.abs(b2[k]) > Math.abs(b2[largest])) {
        largest = k;
      }
    }
    return b2[largest];
  }
}
