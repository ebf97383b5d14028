package dev.steer.intervention;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The batch and buffer methods of {@link Intervention} agree with row-by-row application for every
 * kind.
 */
class InterventionContractTest {

  record Case(Intervention intervention, float[][] rows) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(
                d ->
                    interventions(d)
                        .zip(
                            Theories.arrays(
                                TestVectors.rows(d), integers().between(0, 6), float[][]::new),
                            Case::new)));
  }

  static Gen<Intervention> interventions(int d) {
    Gen<SteeringVector> v = TestVectors.directions(d);
    Gen<Double> scalar = doubles().between(-50, 50);
    Gen<Double> unit = doubles().between(0, 1);
    Gen<Double> angle = doubles().between(-360, 360);
    Gen<Intervention> single =
        Theories.oneOf(
            List.of(
                v.zip(scalar, Additive::new),
                v.zip(unit, Ablation::new),
                v.zip(scalar, Clamp::new),
                TestVectors.planes(d).zip(angle, booleans().all(), AngularRotation::new),
                TestVectors.planes(d).zip(angle, PlaneRotation::new),
                v.zip(unit, SlerpTowards::new)));
    return Theories.oneOf(List.of(single, single.zip(single, (a, b) -> Sequence.of(a, b))));
  }

  @Test
  void applyToRowsOnAFlatBufferEqualsRowByRow() {
    qt(500).forAll(cases()).checkAssert(InterventionContractTest::flatBufferEqualsRowByRow);
  }

  private static void flatBufferEqualsRowByRow(Case c) {
    int d = c.intervention().dimension();
    float[] flat = new float[c.rows().length * d];
    for (int r = 0; r < c.rows().length; r++) {
      System.arraycopy(c.rows()[r], 0, flat, r * d, d);
    }
    c.intervention().applyToRows(flat);
    for (int r = 0; r < c.rows().length; r++) {
      float[] row = new float[d];
      System.arraycopy(flat, r * d, row, 0, d);
      assertArrayEquals(c.intervention().apply(c.rows()[r]), row, "row " + r);
    }
  }

  @Test
  void inputsAreNotModified() {
    qt(200).forAll(cases()).checkAssert(InterventionContractTest::leavesItsInputAlone);
  }

  private static void leavesItsInputAlone(Case c) {
    float[][] copy = new float[c.rows().length][];
    for (int r = 0; r < copy.length; r++) {
      copy[r] = c.rows()[r].clone();
    }
    c.intervention().apply(c.rows());
    for (int r = 0; r < copy.length; r++) {
      assertArrayEquals(copy[r], c.rows()[r]);
    }
  }

  @Test
  void aRowOfTheWrongLengthIsRejectedNamingBothLengths() {
    qt(200).forAll(cases()).checkAssert(InterventionContractTest::rejectsAWrongLength);
  }

  private static void rejectsAWrongLength(Case c) {
    int d = c.intervention().dimension();
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> c.intervention().apply(new float[d + 1]));
    assertTrue(e.getMessage().contains("length " + (d + 1)), e.getMessage());
    assertTrue(e.getMessage().contains("hidden size " + d), e.getMessage());
    assertTrue(e.getMessage().contains(c.intervention().kind()), e.getMessage());
  }

  @Test
  void aFlatBufferThatIsNotWholeRowsIsRejected() {
    qt(200).forAll(cases()).checkAssert(InterventionContractTest::rejectsPartialRows);
  }

  private static void rejectsPartialRows(Case c) {
    int d = c.intervention().dimension();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> c.intervention().applyToRows(new float[2 * d + 1]));
    assertTrue(e.getMessage().contains(String.valueOf(2 * d + 1)), e.getMessage());
  }

  @Test
  void aRowBeyondTheBufferIsRejected() {
    qt(200).forAll(cases()).checkAssert(InterventionContractTest::rejectsAnOffsetBeyondTheBuffer);
  }

  private static void rejectsAnOffsetBeyondTheBuffer(Case c) {
    int d = c.intervention().dimension();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> c.intervention().applyInPlace(new float[2 * d], d + 1));
    assertTrue(e.getMessage().contains("offset " + (d + 1)), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> c.intervention().applyInPlace(new float[2 * d], -1));
  }

  @Test
  void everyKindHasAStableLowerCaseName() {
    SteeringVector v = SteeringVector.basis(2, 0);
    RotationPlane plane = new RotationPlane(v, SteeringVector.basis(2, 1));
    assertArrayEquals(
        new String[] {
          "additive",
          "ablation",
          "clamp",
          "angular_rotation",
          "plane_rotation",
          "slerp_towards",
          "sequence"
        },
        new String[] {
          Additive.of(v, 1).kind(),
          Ablation.of(v).kind(),
          Clamp.of(v, 1).kind(),
          AngularRotation.of(plane, 1).kind(),
          PlaneRotation.of(plane, 1).kind(),
          SlerpTowards.of(v, 1).kind(),
          Sequence.of(Additive.of(v, 1)).kind()
        });
  }
}
