package dev.steer.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SteeringVectorSetTest {

  private static final VectorMetadata JOY =
      VectorMetadata.ofConcept("joy").withMethod("mean_difference");

  @Test
  void hookPointsAreOrderedByDepth() {
    Map<HookPoint, SteeringVector> m = new HashMap<>();
    m.put(HookPoint.residPost(3), SteeringVector.of(1f, 2f));
    m.put(HookPoint.residPre(3), SteeringVector.of(3f, 4f));
    m.put(HookPoint.mlpOut(1), SteeringVector.of(5f, 6f));
    SteeringVectorSet set = SteeringVectorSet.of(m, JOY);
    assertEquals(
        List.of(HookPoint.mlpOut(1), HookPoint.residPre(3), HookPoint.residPost(3)),
        set.hookPoints());
    assertEquals(3, set.size());
    assertEquals(2, set.dimension());
    assertEquals(JOY, set.metadata());
  }

  @Test
  void everyVectorIsTiedToItsKey() {
    SteeringVectorSet set =
        SteeringVectorSet.of(Map.of(HookPoint.residPost(2), SteeringVector.of(1f)));
    assertEquals(
        Optional.of(HookPoint.residPost(2)),
        set.get(HookPoint.residPost(2)).orElseThrow().hookPoint());
    assertEquals(Optional.empty(), set.get(HookPoint.residPost(1)));
    assertTrue(set.contains(HookPoint.residPost(2)));
    assertFalse(set.contains(HookPoint.residPre(2)));
  }

  @Test
  void vectorsKeepTheirOwnMetadata() {
    SteeringVector v = SteeringVector.of(1f, 2f).withMetadata(VectorMetadata.ofConcept("calm"));
    SteeringVectorSet set = SteeringVectorSet.of(Map.of(HookPoint.residPost(1), v), JOY);
    assertEquals("calm", set.get(HookPoint.residPost(1)).orElseThrow().metadata().concept());
  }

  @Test
  void mixedDimensionsAreRejectedNamingBothHookPoints() {
    Map<HookPoint, SteeringVector> m = new HashMap<>();
    m.put(HookPoint.residPost(1), SteeringVector.of(1f, 2f));
    m.put(HookPoint.residPost(4), SteeringVector.of(1f, 2f, 3f));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SteeringVectorSet.of(m));
    assertTrue(e.getMessage().contains("blocks.4.hook_resid_post has 3"), e.getMessage());
    assertTrue(e.getMessage().contains("blocks.1.hook_resid_post has 2"), e.getMessage());
  }

  @Test
  void aVectorTiedToAnotherHookPointIsRejected() {
    SteeringVector v = SteeringVector.of(1f).withHookPoint(HookPoint.residPost(7));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SteeringVectorSet.of(Map.of(HookPoint.residPost(6), v)));
    assertTrue(e.getMessage().contains("blocks.6.hook_resid_post"), e.getMessage());
    assertTrue(e.getMessage().contains("blocks.7.hook_resid_post"), e.getMessage());
  }

  @Test
  void anEmptySetIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> SteeringVectorSet.of(Map.of()));
  }

  @Test
  void fromVectorsKeysByEachVectorsHookPoint() {
    SteeringVector a = SteeringVector.of(1f).withHookPoint(HookPoint.residPost(2));
    SteeringVector b = SteeringVector.of(2f).withHookPoint(HookPoint.residPost(1));
    SteeringVectorSet set = SteeringVectorSet.fromVectors(List.of(a, b), JOY);
    assertEquals(List.of(b, a), set.vectors());
    assertEquals(
        SteeringVectorSet.of(Map.of(HookPoint.residPost(2), a, HookPoint.residPost(1), b), JOY),
        set);
  }

  @Test
  void fromVectorsRejectsAVectorWithoutHookPointAndDuplicates() {
    SteeringVector a = SteeringVector.of(1f).withHookPoint(HookPoint.residPost(2));
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> SteeringVectorSet.fromVectors(List.of(a, SteeringVector.of(2f)), JOY));
    assertTrue(none.getMessage().contains("vector 1 has no hook point"), none.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> SteeringVectorSet.fromVectors(List.of(a, a), JOY));
    assertTrue(twice.getMessage().contains("blocks.2.hook_resid_post"), twice.getMessage());
  }

  @Test
  void equalityComparesEntriesAndSetMetadata() {
    Map<HookPoint, SteeringVector> m = Map.of(HookPoint.residPost(1), SteeringVector.of(1f, 2f));
    assertEquals(SteeringVectorSet.of(m, JOY), SteeringVectorSet.of(m, JOY));
    assertEquals(SteeringVectorSet.of(m, JOY).hashCode(), SteeringVectorSet.of(m, JOY).hashCode());
    assertNotEquals(SteeringVectorSet.of(m, JOY), SteeringVectorSet.of(m));
    assertNotEquals(
        SteeringVectorSet.of(m),
        SteeringVectorSet.of(Map.of(HookPoint.residPost(1), SteeringVector.of(1f, 3f))));
    assertEquals(
        SteeringVectorSet.of(m), SteeringVectorSet.of(m, JOY).withMetadata(VectorMetadata.EMPTY));
  }

  @Test
  void toStringShowsDimensionHookPointsAndMetadata() {
    SteeringVectorSet set =
        SteeringVectorSet.of(
            Map.of(HookPoint.residPost(6), SteeringVector.of(3f, 4f)), JOY.withModelHint("llama"));
    assertEquals(
        "SteeringVectorSet[d=2, 1 hook point: blocks.6.hook_resid_post (‖v‖=5.000), concept=joy,"
            + " method=mean_difference, model=llama]",
        set.toString());
  }

  @Test
  void mapViewIsUnmodifiable() {
    SteeringVectorSet set =
        SteeringVectorSet.of(Map.of(HookPoint.residPost(6), SteeringVector.of(3f, 4f)));
    assertThrows(UnsupportedOperationException.class, () -> set.asMap().clear());
  }
}
