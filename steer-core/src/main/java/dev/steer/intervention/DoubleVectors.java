package dev.steer.intervention;

/**
 * Small helpers on double vectors, for the exact (double-precision) geometry behind the
 * interventions.
 */
final class DoubleVectors {
  private DoubleVectors() {}

  /**
   * {e1, e2, {‖r‖}}: e1 = a/‖a‖ and e2 = r/‖r‖ for the part r of b orthogonal to a, orthogonalised
   * twice so that e1·e2 is at rounding level even when b is nearly parallel to a. Requires a ≠ 0.
   */
  static double[][] gramSchmidt(double[] a, double[] b) {
    double[] e1 = scaled(a, 1 / norm(a));
    double[] r = b.clone();
    for (int pass = 0; pass < 2; pass++) {
      double k = dot(r, e1);
      for (int i = 0; i < r.length; i++) {
        r[i] -= k * e1[i];
      }
    }
    double rn = norm(r);
    double[] e2 = rn > 0 ? scaled(r, 1 / rn) : r;
    return new double[][] {e1, e2, {rn}};
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static double[] scaled(double[] a, double k) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = k * a[i];
    }
    return r;
  }
}
