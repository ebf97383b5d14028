package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.angle;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.assertSameNorm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SlerpTowardsTest {

  record Case(float[] h, SteeringVector v) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.nonZeroRows(d).zip(TestVectors.directions(d), Case::new)));
  }

  @Test
  void halfwayTurnsHalfTheAngle() {
    // h = 2·e0, v = e1, θ = 90°; a = 0.5 -> 2·(cos 45°, sin 45°)
    float[] out = SlerpTowards.of(SteeringVector.of(0f, 3f), 0.5).apply(new float[] {2, 0});
    float r = (float) Math.sqrt(2);
    assertClose(new float[] {r, r}, out, 1e-6);
  }

  @Test
  void aRowAlreadyAlongTheTargetIsLeftUnchanged() {
    float[] h = {1, 2, 3};
    assertArrayEquals(h, SlerpTowards.of(SteeringVector.of(2f, 4f, 6f), 0.7).apply(h));
  }

  @Test
  void theZeroRowIsLeftUnchanged() {
    float[] h = {0, 0, 0};
    assertArrayEquals(h, SlerpTowards.of(SteeringVector.of(1f, 2f, 3f), 1).apply(h));
  }

  @Test
  void anAntiparallelRowTurnsThroughTheLeastAlignedBasisAxis() {
    // x̂ = (0.8, 0, −0.6): |x̂ₖ| is smallest at k = 1, so u = e1; a = 0.5 turns by 90° onto ‖h‖·e1
    float[] h = {4, 0, -3};
    SteeringVector v = SteeringVector.of(-8f, 0f, 6f);
    assertClose(new float[] {0, 5, 0}, SlerpTowards.of(v, 0.5).apply(h), 1e-6);
    assertClose(new float[] {-4, 0, 3}, SlerpTowards.of(v, 1).apply(h), 1e-6);
  }

  @Test
  void inTheAntiparallelCaseUIsTheLeastAlignedAxisMadeOrthogonalToH() {
    // x̂ = (1, 2, 3)/√14; least aligned axis e0; u ∝ e0 − (1/√14)·x̂ = (13, −2, −3)/14
    float[] h = {1, 2, 3};
    float[] out = SlerpTowards.of(SteeringVector.of(-1f, -2f, -3f), 0.5).apply(h);
    double un = Math.sqrt(13 * 13 + 4 + 9);
    double hn = Math.sqrt(14);
    assertClose(
        new double[] {hn * 13 / un, -hn * 2 / un, -hn * 3 / un}, TestVectors.widen(out), 1e-5);
  }

  @Test
  void keepsTheNorm() {
    qt(1_000)
        .forAll(cases(), doubles(0, 1))
        .checkAssert((c, a) -> assertSameNorm(c.h(), SlerpTowards.of(c.v(), a).apply(c.h())));
  }

  @Test
  void fullFractionPointsAlongTheTarget() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(
            c -> {
              float[] out = SlerpTowards.of(c.v(), 1).apply(c.h());
              assertEquals(0, angle(out, c.v().toArray()), 1e-4);
              assertSameNorm(c.h(), out);
            });
  }

  @Test
  void zeroFractionIsTheIdentity() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(c -> assertArrayEquals(c.h(), SlerpTowards.of(c.v(), 0).apply(c.h())));
  }

  @Test
  void theRemainingAngleToTheTargetIsOneMinusAOfTheOriginal() {
    qt(1_000)
        .forAll(cases(), doubles(0, 1))
        .checkAssert(
            (c, a) -> {
              double theta = angle(c.h(), c.v().toArray());
              float[] out = SlerpTowards.of(c.v(), a).apply(c.h());
              assertEquals((1 - a) * theta, angle(out, c.v().toArray()), 1e-4);
              assertEquals(a * theta, angle(c.h(), out), 1e-4);
            });
  }

  @Test
  void anAntiparallelRowTurnsThroughAFractionOfAHalfTurn() {
    qt(1_000)
        .forAll(cases(), doubles(0, 1))
        .checkAssert(
            (c, a) -> {
              float[] h = c.v().scale(-4).toArray(); // exactly antiparallel: scaling by 2²
              float[] out = SlerpTowards.of(c.v(), a).apply(h);
              assertSameNorm(h, out);
              assertEquals((1 - a) * Math.PI, angle(out, c.v().toArray()), 1e-4);
            });
  }

  @Test
  void strengthMapsToAFractionOfAFullTurnAt320() {
    SteeringVector v = SteeringVector.basis(2, 0);
    assertEquals(0.5, SlerpTowards.fromStrength(v, 160).fraction());
    assertEquals(1.0, SlerpTowards.fromStrength(v, 400).fraction());
    assertEquals(0.0, SlerpTowards.fromStrength(v, -5).fraction());
    assertThrows(IllegalArgumentException.class, () -> SlerpTowards.fromStrength(v, Double.NaN));
  }

  @Test
  void rejectsFractionsOutsideTheUnitInterval() {
    SteeringVector v = SteeringVector.basis(2, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> SlerpTowards.of(v, 1.01));
    assertTrue(e.getMessage().contains("[0, 1]: 1.01"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SlerpTowards.of(v, -0.01));
  }

  @Test
  void rejectsZeroOrOneDimensionalTargets() {
    assertThrows(
        IllegalArgumentException.class, () -> SlerpTowards.of(SteeringVector.zeros(3), 0.5));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> SlerpTowards.of(SteeringVector.of(1f), 0.5));
    assertTrue(e.getMessage().contains("dimension >= 2"), e.getMessage());
  }

  @Test
  void kindIsSlerpTowards() {
    assertEquals("slerp_towards", SlerpTowards.of(SteeringVector.basis(2, 0), 0).kind());
  }
}
