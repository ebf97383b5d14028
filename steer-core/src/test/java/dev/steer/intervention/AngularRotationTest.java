package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.assertSameNorm;
import static dev.steer.intervention.TestVectors.dot;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class AngularRotationTest {

  private static final RotationPlane E0_E1 =
      new RotationPlane(SteeringVector.basis(3, 0), SteeringVector.basis(3, 1));

  record Case(float[] h, RotationPlane plane) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.rows(d).zip(TestVectors.planes(d), Case::new)));
  }

  /** Cases whose in-plane part is at least 1% of the row, so that its angle is float-accurate. */
  static Gen<Case> casesWithAnInPlaneAngle() {
    return cases()
        .assuming(
            c ->
                Math.hypot(dot(c.h(), c.plane().b1()), dot(c.h(), c.plane().b2()))
                    > 0.01 * norm(c.h()));
  }

  @Test
  void rotatesTheInPlanePartToTheTargetAngleKeepingItsLength() {
    // Ph = (3, 4, 0), ‖Ph‖ = 5; at 90° it becomes 5·b2 = (0, 5, 0)
    assertClose(
        new float[] {0, 5, 5}, AngularRotation.of(E0_E1, 90).apply(new float[] {3, 4, 5}), 1e-6);
    assertClose(
        new float[] {5, 0, 5}, AngularRotation.of(E0_E1, 0).apply(new float[] {3, 4, 5}), 1e-6);
    assertClose(
        new float[] {-5, 0, 5}, AngularRotation.of(E0_E1, 180).apply(new float[] {3, 4, 5}), 1e-6);
  }

  @Test
  void theAngleIsAbsoluteSoApplyingTwiceChangesNothingMore() {
    AngularRotation rotation = AngularRotation.of(E0_E1, 30);
    float[] once = rotation.apply(new float[] {3, 4, 5});
    assertClose(once, rotation.apply(once), 1e-6);
  }

  @Test
  void anglesAreReadModulo360() {
    float[] h = {3, 4, 5};
    assertClose(
        AngularRotation.of(E0_E1, 45).apply(h), AngularRotation.of(E0_E1, 405).apply(h), 1e-5);
    assertClose(
        AngularRotation.of(E0_E1, -90).apply(h), AngularRotation.of(E0_E1, 270).apply(h), 1e-5);
  }

  @Test
  void aRowWithNoPartInThePlaneIsLeftUnchanged() {
    float[] h = {0, 0, 7};
    assertArrayEquals(h, AngularRotation.of(E0_E1, 123).apply(h));
  }

  @Test
  void adaptiveModeRotatesOnlyRowsWithAPositiveComponentAlongB1() {
    AngularRotation adaptive = AngularRotation.adaptive(E0_E1, 90);
    assertArrayEquals(new float[] {-3, 4, 5}, adaptive.apply(new float[] {-3, 4, 5}));
    assertArrayEquals(new float[] {0, 4, 5}, adaptive.apply(new float[] {0, 4, 5}));
    assertClose(new float[] {0, 5, 5}, adaptive.apply(new float[] {3, 4, 5}), 1e-6);
  }

  @Test
  void keepsTheNorm() {
    qt(1_000)
        .forAll(cases(), doubles(-720, 720))
        .checkAssert(
            (c, angle) -> assertSameNorm(c.h(), AngularRotation.of(c.plane(), angle).apply(c.h())));
  }

  @Test
  void reachesTheTargetAngleInThePlane() {
    qt(1_000)
        .forAll(casesWithAnInPlaneAngle(), doubles(-720, 720))
        .checkAssert(AngularRotationTest::reachesTheTargetAngle);
  }

  private static void reachesTheTargetAngle(Case c, double angle) {
    float[] out = AngularRotation.of(c.plane(), angle).apply(c.h());
    double reached = Math.atan2(dot(out, c.plane().b2()), dot(out, c.plane().b1()));
    assertEquals(
        0,
        Math.IEEEremainder(reached - Math.toRadians(angle), 2 * Math.PI),
        1e-4,
        () -> Arrays.toString(c.h()) + " -> " + Arrays.toString(out));
  }

  @Test
  void leavesTheOrthogonalComplementUnchanged() {
    qt(1_000)
        .forAll(cases(), doubles(-720, 720))
        .checkAssert(
            (c, angle) -> {
              float[] out = AngularRotation.of(c.plane(), angle).apply(c.h());
              assertClose(
                  TestVectors.outOfPlane(c.h(), c.plane()),
                  TestVectors.outOfPlane(out, c.plane()),
                  1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void rejectsNonFiniteAngles() {
    assertThrows(IllegalArgumentException.class, () -> AngularRotation.of(E0_E1, Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> AngularRotation.of(E0_E1, Double.POSITIVE_INFINITY));
  }

  @Test
  void kindIsAngularRotation() {
    assertEquals("angular_rotation", AngularRotation.of(E0_E1, 0).kind());
  }
}
