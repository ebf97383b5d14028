package dev.steer.intervention;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.Theories;
import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;

class RotationPlaneTest {

  @Test
  void acceptsAnOrthonormalBasis() {
    RotationPlane plane = new RotationPlane(SteeringVector.basis(3, 0), SteeringVector.basis(3, 2));
    assertEquals(SteeringVector.basis(3, 0), plane.b1());
    assertEquals(SteeringVector.basis(3, 2), plane.b2());
    assertEquals(3, plane.dimension());
  }

  @Test
  void acceptsABasisOrthonormalWithinTheToleranceAndTightensIt() {
    SteeringVector b1 = SteeringVector.of(1.00005f, 0f, 0f);
    SteeringVector b2 = SteeringVector.of(0.00005f, 1f, 0f);
    RotationPlane plane = new RotationPlane(b1, b2);
    assertEquals(1, plane.b1().norm(), 1e-7);
    assertEquals(1, plane.b2().norm(), 1e-7);
    assertEquals(0, plane.b1().dot(plane.b2()), 1e-7);
  }

  @Test
  void rejectsANonUnitVector() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RotationPlane(SteeringVector.of(2f, 0f), SteeringVector.basis(2, 1)));
    assertTrue(e.getMessage().contains("b1 must be a unit vector"), e.getMessage());
    assertTrue(e.getMessage().contains("= 2.0"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new RotationPlane(SteeringVector.basis(2, 0), SteeringVector.of(0f, 0.99f)));
  }

  @Test
  void rejectsNonOrthogonalVectors() {
    float r = (float) Math.sqrt(0.5);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RotationPlane(SteeringVector.basis(2, 0), SteeringVector.of(r, r)));
    assertTrue(e.getMessage().contains("orthogonal"), e.getMessage());
  }

  @Test
  void rejectsMismatchedOrOneDimensionalVectors() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RotationPlane(SteeringVector.basis(2, 0), SteeringVector.basis(3, 1)));
    assertTrue(e.getMessage().contains("b1 has 2, b2 has 3"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new RotationPlane(SteeringVector.of(1f), SteeringVector.of(1f)));
  }

  @Test
  void orthonormalizeKeepsTheFirstDirectionAndTheOrientationOfTheSecond() {
    RotationPlane plane =
        RotationPlane.orthonormalize(SteeringVector.of(3f, 0f, 0f), SteeringVector.of(5f, 2f, 0f));
    assertEquals(SteeringVector.basis(3, 0), plane.b1());
    assertEquals(SteeringVector.basis(3, 1), plane.b2());
  }

  @Test
  void orthonormalizeKeepsHookPoints() {
    SteeringVector v1 = SteeringVector.of(3f, 0f).withHookPoint(HookPoint.residPost(4));
    RotationPlane plane = RotationPlane.orthonormalize(v1, SteeringVector.of(1f, 1f));
    assertEquals(HookPoint.residPost(4), plane.b1().hookPoint().orElseThrow());
  }

  @Test
  void orthonormalizeGivesAnOrthonormalBasisOfTheSameSpan() {
    qt(1_000)
        .forAll(Theories.readable(TestVectors.dimensions().flatMap(TestVectors::spanningPairs)))
        .checkAssert(RotationPlaneTest::orthonormalBasisOfTheSameSpan);
  }

  private static void orthonormalBasisOfTheSameSpan(float[][] pair) {
    SteeringVector v1 = SteeringVector.of(pair[0]);
    SteeringVector v2 = SteeringVector.of(pair[1]);
    RotationPlane plane = RotationPlane.orthonormalize(v1, v2);
    assertEquals(1, plane.b1().norm(), 1e-6);
    assertEquals(1, plane.b2().norm(), 1e-6);
    assertEquals(0, plane.b1().dot(plane.b2()), 1e-6);
    assertEquals(1, plane.b1().cosine(v1), 1e-6);
    assertTrue(plane.b2().dot(v2) > 0, "b2 is oriented towards v2");
    // v2 lies in span(b1, b2)
    double p1 = plane.b1().dot(v2);
    double p2 = plane.b2().dot(v2);
    assertEquals(v2.norm(), Math.hypot(p1, p2), 1e-5 * v2.norm());
  }

  @Test
  void orthonormalizeRejectsParallelVectors() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RotationPlane.orthonormalize(
                    SteeringVector.of(1f, 2f), SteeringVector.of(-2f, -4f)));
    assertTrue(e.getMessage().contains("parallel"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RotationPlane.orthonormalize(SteeringVector.zeros(2), SteeringVector.of(1f, 0f)));
  }
}
