package dev.steer.intervention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steer.vector.SteeringVector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators and plain-double reference arithmetic shared by the intervention tests. */
final class TestVectors {
  private TestVectors() {}

  static Arbitrary<Integer> dimensions() {
    return Arbitraries.integers().between(2, 64);
  }

  /**
   * Rows of finite floats in [-100, 100] with up to 4 decimals, mixed with a few special rows that
   * random components rarely hit: the zero row and scaled basis rows.
   */
  static Arbitrary<float[]> rows(int d) {
    Arbitrary<float[]> random =
        Arbitraries.floats().between(-100, 100).ofScale(4).array(float[].class).ofSize(d);
    Arbitrary<float[]> basis =
        Combinators.combine(
                Arbitraries.integers().between(0, d - 1), Arbitraries.floats().between(-100, 100))
            .as(
                (k, x) -> {
                  float[] r = new float[d];
                  r[k] = x;
                  return r;
                });
    return Arbitraries.frequencyOf(
        Tuple.of(18, random), Tuple.of(1, Arbitraries.just(new float[d])), Tuple.of(1, basis));
  }

  /** Rows with ‖h‖ ≥ 0.01, so that their direction is well defined in float. */
  static Arbitrary<float[]> nonZeroRows(int d) {
    return rows(d).filter(r -> norm(r) >= 0.01);
  }

  static Arbitrary<SteeringVector> directions(int d) {
    return nonZeroRows(d).map(SteeringVector::of);
  }

  /**
   * Planes through two generated vectors that are far from parallel (sine of their angle ≥ 0.01).
   */
  static Arbitrary<RotationPlane> planes(int d) {
    return Combinators.combine(nonZeroRows(d), nonZeroRows(d))
        .filter((a, b) -> sine(a, b) >= 0.01)
        .as((a, b) -> RotationPlane.orthonormalize(SteeringVector.of(a), SteeringVector.of(b)));
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
