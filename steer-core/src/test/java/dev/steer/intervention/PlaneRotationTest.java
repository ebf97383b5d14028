package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.assertSameNorm;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class PlaneRotationTest {

  private static final RotationPlane E0_E1 =
      new RotationPlane(SteeringVector.basis(3, 0), SteeringVector.basis(3, 1));

  record Case(float[] h, RotationPlane plane) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.rows(d).zip(TestVectors.planes(d), Case::new)));
  }

  @Test
  void rotatesByTheAngleFromB1TowardsB2() {
    assertClose(
        new float[] {0, 1, 2}, PlaneRotation.of(E0_E1, 90).apply(new float[] {1, 0, 2}), 1e-6);
    // (3, 4) by 90° -> (−4, 3)
    assertClose(
        new float[] {-4, 3, 2}, PlaneRotation.of(E0_E1, 90).apply(new float[] {3, 4, 2}), 1e-6);
    float r = (float) Math.sqrt(0.5);
    assertClose(
        new float[] {r, r, 0}, PlaneRotation.of(E0_E1, 45).apply(new float[] {1, 0, 0}), 1e-6);
  }

  @Test
  void keepsTheNorm() {
    qt(1_000)
        .forAll(cases(), doubles(-720, 720))
        .checkAssert(
            (c, angle) -> assertSameNorm(c.h(), PlaneRotation.of(c.plane(), angle).apply(c.h())));
  }

  @Test
  void rotatingByMinusThetaUndoesRotatingByTheta() {
    qt(1_000)
        .forAll(cases(), doubles(-720, 720))
        .checkAssert(
            (c, angle) -> {
              float[] there = PlaneRotation.of(c.plane(), angle).apply(c.h());
              float[] back = PlaneRotation.of(c.plane(), -angle).apply(there);
              assertClose(c.h(), back, 1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void zeroAngleIsExactlyTheIdentity() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(c -> assertArrayEquals(c.h(), PlaneRotation.of(c.plane(), 0).apply(c.h())));
  }

  @Test
  void rotationsAddUp() {
    qt(1_000)
        .forAll(cases(), doubles(-360, 360), doubles(-360, 360))
        .checkAssert(
            (c, first, second) -> {
              float[] stepwise =
                  PlaneRotation.of(c.plane(), second)
                      .apply(PlaneRotation.of(c.plane(), first).apply(c.h()));
              float[] atOnce = PlaneRotation.of(c.plane(), first + second).apply(c.h());
              assertClose(atOnce, stepwise, 1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void leavesTheOrthogonalComplementUnchanged() {
    qt(1_000)
        .forAll(cases(), doubles(-720, 720))
        .checkAssert(
            (c, angle) -> {
              float[] out = PlaneRotation.of(c.plane(), angle).apply(c.h());
              assertClose(
                  TestVectors.outOfPlane(c.h(), c.plane()),
                  TestVectors.outOfPlane(out, c.plane()),
                  1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void rejectsNonFiniteAngles() {
    assertThrows(IllegalArgumentException.class, () -> PlaneRotation.of(E0_E1, Double.NaN));
  }

  @Test
  void kindIsPlaneRotation() {
    assertEquals("plane_rotation", PlaneRotation.of(E0_E1, 0).kind());
  }
}
