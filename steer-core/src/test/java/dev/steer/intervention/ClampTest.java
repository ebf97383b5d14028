package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.dot;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ClampTest {

  record Case(float[] h, SteeringVector v) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.rows(d).zip(TestVectors.directions(d), Case::new)));
  }

  @Test
  void clampReplacesTheComponentAlongTheDirection() {
    // v̂ = e1, h·v̂ = 4 -> replaced by c = 1
    float[] out = Clamp.of(SteeringVector.of(0f, 2f), 1).apply(new float[] {3, 4});
    assertClose(new float[] {3, 1}, out, 1e-6);
  }

  @Test
  void clampWorksAlongAnObliqueDirection() {
    // v̂ = (0.6, 0.8), h·v̂ = 5; h' = h + (c − 5)v̂ = (3, 4) − 7·(0.6, 0.8) = (−1.2, −1.6) for c =
    // −2
    float[] out = Clamp.of(SteeringVector.of(3f, 4f), -2).apply(new float[] {3, 4});
    assertClose(new float[] {-1.2f, -1.6f}, out, 1e-6);
  }

  @Test
  void clampSetsTheComponentToTheValue() {
    qt(1_000)
        .forAll(cases(), doubles(-100, 100))
        .checkAssert(
            (c, value) -> {
              float[] out = Clamp.of(c.v(), value).apply(c.h());
              assertEquals(
                  value,
                  dot(out, c.v()) / c.v().norm(),
                  1e-5 * (norm(c.h()) + Math.abs(value)) + 1e-6);
            });
  }

  @Test
  void clampLeavesTheOrthogonalPartUnchanged() {
    qt(1_000)
        .forAll(cases(), doubles(-100, 100))
        .checkAssert(
            (c, value) -> {
              float[] out = Clamp.of(c.v(), value).apply(c.h());
              assertClose(
                  orthogonalPart(c.h(), c.v()),
                  orthogonalPart(out, c.v()),
                  1e-5 * (norm(c.h()) + Math.abs(value)) + 1e-6);
            });
  }

  private static double[] orthogonalPart(float[] h, SteeringVector v) {
    double k = dot(h, v) / v.dot(v);
    double[] r = new double[h.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = h[i] - k * v.get(i);
    }
    return r;
  }

  @Test
  void rejectsTheZeroDirectionAndNonFiniteValues() {
    assertThrows(IllegalArgumentException.class, () -> Clamp.of(SteeringVector.zeros(2), 1));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Clamp.of(SteeringVector.basis(2, 0), Double.POSITIVE_INFINITY));
    assertTrue(e.getMessage().contains("finite"), e.getMessage());
  }

  @Test
  void kindIsClamp() {
    assertEquals("clamp", Clamp.of(SteeringVector.basis(2, 0), 0).kind());
  }
}
