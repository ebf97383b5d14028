package dev.steer.intervention;

import static dev.steer.intervention.TestVectors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class SequenceTest {

  private static final SteeringVector E0 = SteeringVector.basis(2, 0);

  record Case(float[] h, SteeringVector v) {}

  @Provide
  Arbitrary<Case> cases() {
    return TestVectors.dimensions()
        .flatMap(
            d -> Combinators.combine(TestVectors.rows(d), TestVectors.directions(d)).as(Case::new));
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

  @Property
  void aSequenceAppliesItsStepsInListOrder(
      @ForAll("cases") Case c, @ForAll @DoubleRange(min = -10, max = 10) double alpha) {
    Additive add = Additive.of(c.v(), alpha);
    Ablation ablate = Ablation.of(c.v());
    assertArrayEquals(ablate.apply(add.apply(c.h())), Sequence.of(add, ablate).apply(c.h()));
    assertArrayEquals(add.apply(ablate.apply(c.h())), Sequence.of(ablate, add).apply(c.h()));
  }

  @Property
  void addingThenAblatingDiffersFromAblatingThenAddingByTheAddedStep(
      @ForAll("cases") Case c, @ForAll @DoubleRange(min = -10, max = 10) double alpha) {
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
