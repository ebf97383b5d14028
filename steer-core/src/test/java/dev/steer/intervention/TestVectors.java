package dev.steer.intervention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators and plain-double reference arithmetic shared by the intervention tests. */
final class TestVectors {
  private TestVectors() {}

  static Gen<Integer> dimensions() {
    return integers().between(2, 64);
  }

  /**
   * Rows of finite floats in [-100, 100] with up to 4 decimals, mixed with a few special rows that
   * random components rarely hit: the zero row and scaled basis rows.
   */
  static Gen<float[]> rows(int d) {
    Gen<float[]> random = Theories.floatArrays(decimals(100, 4), d);
    Gen<float[]> basis =
        integers()
            .between(0, d - 1)
            .zip(
                decimals(100, 2),
                (k, x) -> {
                  float[] r = new float[d];
                  r[k] = x;
                  return r;
                });
    return Theories.readable(
        Theories.frequency(
            List.of(
                Pair.of(18, random),
                Pair.of(1, Generate.constant(() -> new float[d])),
                Pair.of(1, basis))));
  }

  /** Floats in [-bound, bound] with up to {@code scale} decimals. */
  static Gen<Float> decimals(int bound, int scale) {
    int unit = (int) Math.pow(10, scale);
    return integers().between(-bound * unit, bound * unit).map(k -> k / (float) unit);
  }

  /** Rows with ‖h‖ ≥ 0.01, so that their direction is well defined in float. */
  static Gen<float[]> nonZeroRows(int d) {
    return rows(d).assuming(r -> norm(r) >= 0.01);
  }

  static Gen<SteeringVector> directions(int d) {
    return nonZeroRows(d).map(r -> SteeringVector.of(r));
  }

  /** Pairs of generated vectors that are far from parallel (sine of their angle ≥ 0.01). */
  static Gen<float[][]> spanningPairs(int d) {
    return Theories.readable(
        nonZeroRows(d)
            .zip(nonZeroRows(d), (a, b) -> new float[][] {a, b})
            .assuming(p -> sine(p[0], p[1]) >= 0.01));
  }

  /** Planes through two generated vectors that are far from parallel. */
  static Gen<RotationPlane> planes(int d) {
    return spanningPairs(d)
        .map(p -> RotationPlane.orthonormalize(SteeringVector.of(p[0]), SteeringVector.of(p[1])));
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static double dot(float[] a, SteeringVector v) {
    return dot(a, v.toArray());
  }

  static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  /**
   * sin of the angle between a and b, from the part of b orthogonal to a (accurate near 0 and π).
   */
  static double sine(float[] a, float[] b) {
    double aa = dot(a, a);
    double k = dot(a, b) / aa;
    double perp = 0;
    for (int i = 0; i < a.length; i++) {
      double r = b[i] - k * a[i];
      perp += r * r;
    }
    return Math.sqrt(perp) / norm(b);
  }

  /** The angle between a and b in radians, in [0, π]. */
  static double angle(float[] a, float[] b) {
    return Math.atan2(sine(a, b), dot(a, b) / (norm(a) * norm(b)));
  }

  /** h − Ph for the plane's basis, in double. */
  static double[] outOfPlane(float[] h, RotationPlane plane) {
    double p1 = dot(h, plane.b1());
    double p2 = dot(h, plane.b2());
    double[] r = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      r[i] = h[i] - p1 * plane.b1().get(i) - p2 * plane.b2().get(i);
    }
    return r;
  }

  /** |x − y| ≤ tolerance, per component, with a message naming the index. */
  static void assertClose(double[] expected, double[] actual, double tolerance) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, "component " + i);
    }
  }

  static void assertClose(float[] expected, float[] actual, double tolerance) {
    assertClose(widen(expected), widen(actual), tolerance);
  }

  static double[] widen(float[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i];
    }
    return r;
  }

  /** Relative norm check: |‖h'‖ − ‖h‖| ≤ 1e-5·‖h‖. */
  static void assertSameNorm(float[] h, float[] rotated) {
    double n = norm(h);
    assertEquals(n, norm(rotated), 1e-5 * n + 1e-30, "norm");
  }
}
