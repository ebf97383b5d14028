package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SequenceTest {

  private static final SteeringVector E0 = SteeringVector.basis(2, 0);

  record Case(float[] h, SteeringVector v) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(d -> TestVectors.rows(d).zip(TestVectors.directions(d), Case::new)));
  }

  @Test
  void anAblationAfterAnAdditionRemovesWhatWasAdded() {
    // (1, 2) + 3·e0 = (4, 2); ablating e0 -> (0, 2)
    Sequence seq = Sequence.of(Additive.of(E0, 3), Ablation.of(E0));
    assertArrayEquals(new float[] {0, 2}, seq.apply(new float[] {1, 2}));
  }

  @Test
  void anAdditionAfterAnAblationSurvivesIt() {
    // ablating e0 from (1, 2) -> (0, 2); + 3·e0 -> (3, 2)
    Sequence seq = Sequence.of(Ablation.of(E0), Additive.of(E0, 3));
    assertArrayEquals(new float[] {3, 2}, seq.apply(new float[] {1, 2}));
  }

  @Test
  void aSequenceAppliesItsStepsInListOrder() {
    qt(1_000).forAll(cases(), doubles(-10, 10)).checkAssert(SequenceTest::appliesStepsInOrder);
  }

  private static void appliesStepsInOrder(Case c, double alpha) {
    Additive add = Additive.of(c.v(), alpha);
    Ablation ablate = Ablation.of(c.v());
    assertArrayEquals(ablate.apply(add.apply(c.h())), Sequence.of(add, ablate).apply(c.h()));
    assertArrayEquals(add.apply(ablate.apply(c.h())), Sequence.of(ablate, add).apply(c.h()));
  }

  @Test
  void addingThenAblatingDiffersFromAblatingThenAddingByTheAddedStep() {
    qt(1_000).forAll(cases(), doubles(-10, 10)).checkAssert(SequenceTest::orderMattersByTheStep);
  }

  private static void orderMattersByTheStep(Case c, double alpha) {
    float[] addThenAblate = Sequence.of(Additive.of(c.v(), alpha), Ablation.of(c.v())).apply(c.h());
    float[] ablateThenAdd = Sequence.of(Ablation.of(c.v()), Additive.of(c.v(), alpha)).apply(c.h());
    double[] expected = TestVectors.widen(addThenAblate);
    for (int i = 0; i < expected.length; i++) {
      expected[i] += alpha * c.v().get(i);
    }
    double scale = TestVectors.norm(c.h()) + 10 * c.v().norm();
    assertClose(expected, TestVectors.widen(ablateThenAdd), 1e-5 * scale);
  }

  @Test
  void rejectsAnEmptyListAndMixedDimensions() {
    assertThrows(IllegalArgumentException.class, () -> new Sequence(List.of()));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Sequence.of(Additive.of(E0, 1), Ablation.of(SteeringVector.basis(3, 0))));
    assertTrue(e.getMessage().contains("ablation has 3, the first has 2"), e.getMessage());
  }

  @Test
  void kindIsSequence() {
    assertEquals("sequence", Sequence.of(Additive.of(E0, 1)).kind());
  }
}
