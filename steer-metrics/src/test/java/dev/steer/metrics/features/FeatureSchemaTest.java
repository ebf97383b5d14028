package dev.steer.metrics.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {

  @Test
  void standardSchemaHasTheDocumentedSize() {
    // 4 steps × 7 offsets; matrix with r rows, c columns -> r·c cells + 4 global + 3r + 3c
    // magdiff, cossim, steerproj: 4×7 -> 28 + 4 + 12 + 21 = 65 each
    // steeralign: 4×6 -> 24 + 4 + 12 + 18 = 58
    // magdiff_ratio, cossim_delta: 3×7 -> 21 + 4 + 9 + 21 = 55 each
    // steeralign_delta: 3×6 -> 18 + 4 + 9 + 18 = 49
    // total 3·65 + 58 + 2·55 + 49 + 2 (vector_norm, alpha) = 414
    assertEquals(414, FeatureSchema.standard().size());
  }

  @Test
  void namesFollowTheDocumentedOrder() {
    FeatureSchema schema = FeatureSchema.of(List.of(0, 1), List.of(0, 2));
    List<String> expectedMagdiffBlock =
        List.of(
            "magdiff_t0_l0", "magdiff_t0_l2", "magdiff_t1_l0", "magdiff_t1_l2",
            "magdiff_mean", "magdiff_std", "magdiff_max", "magdiff_min",
            "magdiff_t0_mean", "magdiff_t0_std", "magdiff_t0_max",
            "magdiff_t1_mean", "magdiff_t1_std", "magdiff_t1_max",
            "magdiff_l0_mean", "magdiff_l0_std", "magdiff_l0_max",
            "magdiff_l2_mean", "magdiff_l2_std", "magdiff_l2_max");
    assertEquals(expectedMagdiffBlock, schema.names().subList(0, 20));
    List<String> expectedSteeralignDeltaBlock =
        List.of(
            "steeralign_delta_t1_l2",
            "steeralign_delta_mean", "steeralign_delta_std", "steeralign_delta_max", "steeralign_delta_min",
            "steeralign_delta_t1_mean", "steeralign_delta_t1_std", "steeralign_delta_t1_max",
            "steeralign_delta_l2_mean", "steeralign_delta_l2_std", "steeralign_delta_l2_max",
            "vector_norm", "alpha");
    int n = schema.size();
    assertEquals(expectedSteeralignDeltaBlock, schema.names().subList(n - 13, n));
  }

  @Test
  void blocksComeInTheDocumentedOrder() {
    FeatureSchema schema = FeatureSchema.of(List.of(0, 1), List.of(0, 2));
    // 2×2 block: 4 + 4 + 6 + 6 = 20; 2×1: 2 + 4 + 6 + 3 = 15; 1×2: 2 + 4 + 3 + 6 = 15; 1×1: 1 + 4 + 3 + 3 = 11
    assertEquals("magdiff_t0_l0", schema.names().get(0));
    assertEquals("cossim_t0_l0", schema.names().get(20));
    assertEquals("steeralign_t0_l2", schema.names().get(40));
    assertEquals("steerproj_t0_l0", schema.names().get(55));
    assertEquals("magdiff_ratio_t1_l0", schema.names().get(75));
    assertEquals("cossim_delta_t1_l0", schema.names().get(90));
    assertEquals("steeralign_delta_t1_l2", schema.names().get(105));
    assertEquals(118, schema.size());
  }

  @Test
  void namesAreUniqueAndIndexed() {
    FeatureSchema schema = FeatureSchema.standard();
    assertEquals(schema.size(), new HashSet<>(schema.names()).size());
    assertEquals(0, schema.indexOf("magdiff_t0_l0"));
    assertEquals(schema.size() - 1, schema.indexOf("alpha"));
  }

  @Test
  void unknownNameIsReported() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.standard().indexOf("magdiff_t2_l0"));
    assertTrue(e.getMessage().contains("magdiff_t2_l0"), e.getMessage());
  }

  @Test
  void forModelKeepsOnlyLayersThatExist() {
    // L = 20 of 26 layers: offsets 0, 1, 2, 3, 5 exist (20 + 5 = 25), 10 and 15 do not
    FeatureSchema schema = FeatureSchema.forModel(20, 26);
    assertEquals(List.of(0, 1, 2, 3, 5), schema.layerOffsets());
    assertEquals(FeatureSchema.DEFAULT_STEPS, schema.steps());
    assertTrue(schema.names().contains("magdiff_t5_l5"));
    assertTrue(!schema.names().contains("magdiff_t0_l10"));
  }

  @Test
  void lastLayerSchemaHasNoSteerAlignment() {
    FeatureSchema schema = FeatureSchema.forModel(11, 12);
    assertEquals(List.of(0), schema.layerOffsets());
    assertTrue(schema.names().stream().noneMatch(n -> n.startsWith("steeralign")));
  }

  @Test
  void schemasWithTheSameStepsAndOffsetsAreEqual() {
    assertEquals(FeatureSchema.forModel(0, 40), FeatureSchema.standard());
    assertEquals(FeatureSchema.forModel(0, 40).hashCode(), FeatureSchema.standard().hashCode());
    assertNotEquals(FeatureSchema.forModel(30, 40), FeatureSchema.standard());
  }

  @Test
  void csvHeaderJoinsTheNames() {
    FeatureSchema schema = FeatureSchema.of(List.of(0), List.of(0));
    assertEquals(String.join(",", schema.names()), schema.csvHeader());
    assertTrue(schema.csvHeader().startsWith("magdiff_t0_l0,magdiff_mean,"));
    assertTrue(schema.csvHeader().endsWith(",vector_norm,alpha"));
  }

  @Test
  void rejectsStepsNotStartingAtZero() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of(List.of(1, 3), List.of(0)));
    assertTrue(e.getMessage().contains("start at 0"), e.getMessage());
  }

  @Test
  void rejectsUnorderedOffsets() {
    assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of(List.of(0), List.of(0, 3, 2)));
  }

  @Test
  void rejectsASteeredLayerOutsideTheModel() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.forModel(12, 12));
    assertTrue(e.getMessage().contains("steeredLayer"), e.getMessage());
  }

  @Test
  void rejectsASchemaTooLargeToHoldInMemory() {
    List<Integer> many = IntStream.range(0, 200).boxed().toList();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of(many, many));
    assertTrue(e.getMessage().contains("200 steps × 200 layer offsets"), e.getMessage());
  }

  @Test
  void extraColumnsFollowAlphaAndTakePartInEquality() {
    FeatureSchema base = FeatureSchema.of(List.of(0, 1), List.of(0, 2));
    FeatureSchema extended = base.withExtraColumns(List.of("bf_t0", "kl_t0"));
    assertEquals(base.size() + 2, extended.size());
    assertEquals(List.of("alpha", "bf_t0", "kl_t0"), extended.names().subList(base.size() - 1, base.size() + 2));
    assertEquals(base.size() + 1, extended.indexOf("kl_t0"));
    assertNotEquals(base, extended);
    assertEquals(base, extended.base());
    assertEquals(extended, base.withExtraColumns(List.of("bf_t0")).withExtraColumns(List.of("kl_t0")));
  }

  @Test
  void extraColumnsMustBeNewCsvSafeNames() {
    FeatureSchema base = FeatureSchema.of(List.of(0), List.of(0));
    IllegalArgumentException dup =
        assertThrows(IllegalArgumentException.class, () -> base.withExtraColumns(List.of("alpha")));
    assertTrue(dup.getMessage().contains("alpha"), dup.getMessage());
    assertThrows(IllegalArgumentException.class, () -> base.withExtraColumns(List.of("a,b")));
    assertThrows(IllegalArgumentException.class, () -> base.withExtraColumns(List.of("")));
  }
}
