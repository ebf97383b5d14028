package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.dot;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class AblationTest {

  record Case(float[] h, SteeringVector v) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.rows(d).zip(TestVectors.directions(d), Case::new)));
  }

  @Test
  void fullAblationRemovesTheComponentAlongTheDirection() {
    // h = (3, 4), v = (2, 0): v̂ = e0, h·v̂ = 3 -> (0, 4)
    float[] out = Ablation.of(SteeringVector.of(2f, 0f)).apply(new float[] {3, 4});
    assertArrayEquals(new float[] {0, 4}, out);
  }

  @Test
  void partialAblationRemovesThatFractionOfTheComponent() {
    // v̂ = (0.6, 0.8), h·v̂ = 5: h' = (3, 4) − 0.5·5·(0.6, 0.8) = (1.5, 2)
    float[] out = Ablation.of(SteeringVector.of(3f, 4f), 0.5).apply(new float[] {3, 4});
    assertClose(new float[] {1.5f, 2f}, out, 1e-6);
  }

  @Test
  void fullAblationLeavesNoComponentAlongTheDirection() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(
            c -> {
              float[] out = Ablation.of(c.v()).apply(c.h());
              assertEquals(0, dot(out, c.v()) / c.v().norm(), 1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void fullAblationIsIdempotent() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(
            c -> {
              Ablation ablation = Ablation.of(c.v());
              float[] once = ablation.apply(c.h());
              float[] twice = ablation.apply(once);
              assertClose(once, twice, 1e-5 * norm(c.h()) + 1e-30);
            });
  }

  @Test
  void ablationMatchesItsFormulaComputedIndependently() {
    qt(1_000).forAll(cases(), doubles(0, 1)).checkAssert(AblationTest::matchesTheFormula);
  }

  private static void matchesTheFormula(Case c, double s) {
    double[] v = c.v().toDoubleArray();
    double vn = c.v().norm();
    double hv = 0;
    for (int i = 0; i < v.length; i++) {
      hv += c.h()[i] * v[i] / vn;
    }
    double[] expected = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      expected[i] = c.h()[i] - s * hv * v[i] / vn;
    }
    assertClose(
        expected,
        TestVectors.widen(Ablation.of(c.v(), s).apply(c.h())),
        1e-5 * norm(c.h()) + 1e-30);
  }

  @Test
  void zeroStrengthIsTheIdentity() {
    qt(1_000)
        .forAll(cases())
        .checkAssert(c -> assertArrayEquals(c.h(), Ablation.of(c.v(), 0).apply(c.h())));
  }

  @Test
  void rejectsTheZeroDirection() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> Ablation.of(SteeringVector.zeros(3)));
    assertTrue(e.getMessage().contains("non-zero"), e.getMessage());
  }

  @Test
  void rejectsStrengthOutsideTheUnitInterval() {
    SteeringVector v = SteeringVector.basis(2, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> Ablation.of(v, 1.5));
    assertTrue(e.getMessage().contains("[0, 1]: 1.5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Ablation.of(v, -0.1));
    assertThrows(IllegalArgumentException.class, () -> Ablation.of(v, Double.NaN));
  }

  @Test
  void kindIsAblation() {
    assertEquals("ablation", Ablation.of(SteeringVector.basis(2, 0)).kind());
  }
}
