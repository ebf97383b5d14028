package dev.steer.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import org.junit.jupiter.api.Test;

class SteeringVectorTest {

  @Test
  void copiesValuesInAndOut() {
    float[] source = {1f, 2f, 3f};
    SteeringVector v = SteeringVector.of(source);
    source[0] = 99f;
    float[] out = v.toArray();
    out[1] = 99f;
    assertArrayEquals(new float[] {1f, 2f, 3f}, v.toArray());
  }

  @Test
  void normDotAndCosineMatchHandComputation() {
    SteeringVector a = SteeringVector.of(3f, 4f);
    SteeringVector b = SteeringVector.of(4f, -3f);
    assertEquals(5.0, a.norm(), 1e-12);
    assertEquals(0.0, a.dot(b), 1e-12);
    assertEquals(0.0, a.cosine(b), 1e-12);
    assertEquals(1.0, a.cosine(a.scale(2.5)), 1e-7);
    assertEquals(-1.0, a.cosine(a.scale(-1)), 1e-7);
  }

  @Test
  void unitHasNormOneAndKeepsDirection() {
    SteeringVector u = SteeringVector.of(3f, 4f).unit();
    assertArrayEquals(new float[] {0.6f, 0.8f}, u.toArray(), 1e-7f);
    assertThrows(IllegalStateException.class, () -> SteeringVector.zeros(3).unit());
  }

  @Test
  void arithmeticKeepsHookPointAndMetadata() {
    SteeringVector v = SteeringVector.of(1f, 2f)
        .withHookPoint(HookPoint.residPost(3))
        .withMetadata(VectorMetadata.ofConcept("joy"));
    SteeringVector w = v.scale(2).plus(SteeringVector.of(1f, 1f)).minus(SteeringVector.of(0f, 1f));
    assertArrayEquals(new float[] {3f, 4f}, w.toArray());
    assertEquals(v.hookPoint(), w.hookPoint());
    assertEquals("joy", w.metadata().concept());
  }

  @Test
  void rejectsNonFiniteComponentsNamingTheIndex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SteeringVector.of(1f, Float.NaN));
    assertTrue(e.getMessage().contains("component 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SteeringVector.of(Float.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> SteeringVector.of(new float[0]));
    assertThrows(IllegalArgumentException.class, () -> SteeringVector.of(1e30f).scale(1e30));
  }

  @Test
  void rejectsMismatchedDimensions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SteeringVector.of(1f, 2f).dot(SteeringVector.of(1f, 2f, 3f)));
    assertTrue(e.getMessage().contains("2 vs 3"), e.getMessage());
  }

  @Test
  void equalityIsByValueHookPointAndMetadata() {
    SteeringVector a = SteeringVector.of(1f, 2f);
    assertEquals(a, SteeringVector.of(1f, 2f));
    assertEquals(a.hashCode(), SteeringVector.of(1f, 2f).hashCode());
    assertNotEquals(a, SteeringVector.of(1f, 2.5f));
    assertNotEquals(a, a.withHookPoint(HookPoint.residPost(0)));
    assertNotEquals(a, a.withMetadata(VectorMetadata.ofConcept("x")));
    assertEquals(a, a.withHookPoint(HookPoint.residPost(0)).withoutHookPoint());
  }

  @Test
  void toStringShowsSizeNormPlaceAndConcept() {
    String s = SteeringVector.of(3f, 4f)
        .withHookPoint(HookPoint.residPost(6))
        .withMetadata(VectorMetadata.ofConcept("joy").withMethod("mean_difference"))
        .toString();
    assertTrue(s.contains("d=2") && s.contains("5.000") && s.contains("blocks.6.hook_resid_post")
        && s.contains("concept=joy") && s.contains("method=mean_difference"), s);
  }

  @Test
  void basisAndZerosHaveTheRequestedShape() {
    assertArrayEquals(new float[] {0f, 1f, 0f}, SteeringVector.basis(3, 1).toArray());
    assertEquals(0.0, SteeringVector.zeros(4).norm());
    assertThrows(IndexOutOfBoundsException.class, () -> SteeringVector.basis(3, 3));
  }

  @Test
  void metadataDetailsAreSortedAndReplaceable() {
    VectorMetadata m = VectorMetadata.EMPTY.withDetail("b", "2").withDetail("a", "1").withDetail("b", "3");
    assertEquals("{a=1, b=3}", m.details().toString());
    assertTrue(VectorMetadata.EMPTY.isEmpty());
  }
}
