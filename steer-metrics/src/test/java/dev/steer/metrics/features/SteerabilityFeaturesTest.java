package dev.steer.metrics.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteerabilityFeaturesTest {

  private static final double R2 = Math.sqrt(2);
  private static final double R10 = Math.sqrt(10);

  // steps {0, 1} × offsets {0, 1}, hidden size 2, u = (1, 0) at both steps
  private static final FeatureSchema SCHEMA = FeatureSchema.of(List.of(0, 1), List.of(0, 1));
  private static final float[][][] STEERED = {
    {{1, 1}, {2, 2}},
    {{1, 0}, {3, 1}}
  };
  private static final float[][][] REPLAY = {
    {{0, 1}, {2, 0}},
    {{1, 0}, {0, 1}}
  };
  private static final float[] U = {1, 0};

  private static FeatureVector handExample() {
    return SteerabilityFeatures.compute(SCHEMA, STEERED, REPLAY, U, 2.5, 0.4);
  }

  @Test
  void magnitudeOfTheDifferenceMatchesHandComputation() {
    FeatureVector f = handExample();
    // s − r: (1,0), (0,2), (0,0), (3,0)
    assertEquals(1.0, f.get("magdiff_t0_l0"), 1e-12);
    assertEquals(2.0, f.get("magdiff_t0_l1"), 1e-12);
    assertEquals(0.0, f.get("magdiff_t1_l0"), 0);
    assertEquals(3.0, f.get("magdiff_t1_l1"), 1e-12);
  }

  @Test
  void cosineSimilarityMatchesHandComputation() {
    FeatureVector f = handExample();
    assertEquals(1 / R2, f.get("cossim_t0_l0"), 1e-12); // (1,1)·(0,1) = 1 over √2·1
    assertEquals(1 / R2, f.get("cossim_t0_l1"), 1e-12); // (2,2)·(2,0) = 4 over √8·2
    assertEquals(1.0, f.get("cossim_t1_l0"), 1e-12);
    assertEquals(1 / R10, f.get("cossim_t1_l1"), 1e-12); // (3,1)·(0,1) = 1 over √10·1
  }

  @Test
  void steerAlignmentAndProjectionMatchHandComputation() {
    FeatureVector f = handExample();
    assertEquals(0.0, f.get("steeralign_t0_l1"), 1e-12); // (0,2) ⟂ (1,0)
    assertEquals(1.0, f.get("steeralign_t1_l1"), 1e-12); // (3,0) ∥ (1,0)
    assertEquals(1 / R2, f.get("steerproj_t0_l0"), 1e-12); // cos((1,1), u)
    assertEquals(1 / R2, f.get("steerproj_t0_l1"), 1e-12); // cos((2,2), u)
    assertEquals(1.0, f.get("steerproj_t1_l0"), 1e-12); // cos((1,0), u)
    assertEquals(3 / R10, f.get("steerproj_t1_l1"), 1e-12); // cos((3,1), u)
  }

  @Test
  void dynamicsAreRelativeToStepZero() {
    FeatureVector f = handExample();
    assertEquals(0.0, f.get("magdiff_ratio_t1_l0"), 1e-12); // 0 / 1
    assertEquals(1.5, f.get("magdiff_ratio_t1_l1"), 1e-12); // 3 / 2
    assertEquals(1 - 1 / R2, f.get("cossim_delta_t1_l0"), 1e-12);
    assertEquals(1 / R10 - 1 / R2, f.get("cossim_delta_t1_l1"), 1e-12);
    assertEquals(1.0, f.get("steeralign_delta_t1_l1"), 1e-12); // 1 − 0
  }

  @Test
  void matrixStatisticsMatchHandComputation() {
    FeatureVector f = handExample();
    // magdiff = [[1, 2], [0, 3]]: mean 1.5, population std √((0.25+0.25+2.25+2.25)/4) = √1.25
    assertEquals(1.5, f.get("magdiff_mean"), 1e-12);
    assertEquals(Math.sqrt(1.25), f.get("magdiff_std"), 1e-12);
    assertEquals(3.0, f.get("magdiff_max"), 0);
    assertEquals(0.0, f.get("magdiff_min"), 0);
    assertEquals(1.5, f.get("magdiff_t0_mean"), 1e-12); // row [1, 2]
    assertEquals(0.5, f.get("magdiff_t0_std"), 1e-12);
    assertEquals(2.0, f.get("magdiff_t0_max"), 0);
    assertEquals(2.5, f.get("magdiff_l1_mean"), 1e-12); // column [2, 3]
    assertEquals(0.5, f.get("magdiff_l1_std"), 1e-12);
    assertEquals(3.0, f.get("magdiff_l1_max"), 0);
  }

  @Test
  void vectorNormAndAlphaAreTheLastFeatures() {
    FeatureVector f = handExample();
    assertEquals(2.5, f.get("vector_norm"), 0);
    assertEquals(0.4, f.get("alpha"), 0);
  }

  @Test
  void perStepDeltasAreUsedAtTheirStep() {
    // u at step 1 is (0, 1): steeralign_t1_l1 = cos((3,0), (0,1)) = 0
    FeatureVector f =
        SteerabilityFeatures.compute(SCHEMA, STEERED, REPLAY, new float[][] {{1, 0}, {0, 1}}, 1, 1);
    assertEquals(0.0, f.get("steeralign_t1_l1"), 1e-12);
    assertEquals(0.0, f.get("steeralign_t0_l1"), 1e-12);
  }

  @Test
  void additiveFormUsesAlphaTimesTheVector() {
    SteeringVector v = SteeringVector.of(3f, 4f);
    FeatureVector f = SteerabilityFeatures.forAdditive(SCHEMA, STEERED, REPLAY, v, -2);
    assertEquals(5.0, f.get("vector_norm"), 1e-12);
    assertEquals(-2.0, f.get("alpha"), 0);
    // u = -2·(3,4) = (-6,-8); steerproj_t0_l0 = cos((1,1), u) = -14/(√2·10)
    assertEquals(-14 / (R2 * 10), f.get("steerproj_t0_l0"), 1e-6);
  }

  @Test
  void zeroVectorsGiveZeroCosinesNotNaN() {
    float[][][] zeros = {{{0, 0}, {0, 0}}, {{0, 0}, {0, 0}}};
    FeatureVector f = SteerabilityFeatures.compute(SCHEMA, zeros, zeros, new float[] {0, 0}, 0, 0);
    for (double x : f.values()) {
      assertFalse(Double.isNaN(x));
    }
    assertEquals(0.0, f.get("cossim_t0_l0"), 0);
    assertEquals(0.0, f.get("steeralign_t1_l1"), 0);
    assertEquals(1.0, f.get("magdiff_ratio_t1_l1"), 0); // 0/0 := 1
  }

  @Test
  void growthFromNoDifferenceIsInfiniteAndPropagatesToStatistics() {
    float[][][] steered = {{{0, 1}, {2, 0}}, {{1, 0}, {0, 1}}}; // step 0 equals the replay
    float[][][] replay = {{{0, 1}, {2, 0}}, {{0, 0}, {0, 1}}}; // step 1 offset 0 differs by (1, 0)
    FeatureVector f = SteerabilityFeatures.compute(SCHEMA, steered, replay, U, 1, 1);
    assertEquals(Double.POSITIVE_INFINITY, f.get("magdiff_ratio_t1_l0"), 0);
    assertEquals(1.0, f.get("magdiff_ratio_t1_l1"), 0);
    assertEquals(Double.POSITIVE_INFINITY, f.get("magdiff_ratio_mean"), 0);
    assertEquals(Double.POSITIVE_INFINITY, f.get("magdiff_ratio_std"), 0);
    assertEquals(1.0, f.get("magdiff_ratio_min"), 0);
  }

  @Test
  void schemaForAModelWithFewLayersAcceptsFewerOffsets() {
    FeatureSchema schema = FeatureSchema.forModel(2, 4); // offsets 0 and 1 exist
    float[][][] s = new float[4][2][3];
    float[][][] r = new float[4][2][3];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        s[i][j] = new float[] {i + 1, j, 1};
        r[i][j] = new float[] {1, 1, 1};
      }
    }
    FeatureVector f = SteerabilityFeatures.compute(schema, s, r, new float[] {1, 0, 0}, 1, 1);
    assertEquals(schema.size(), f.values().length);
    assertEquals(R10, f.get("magdiff_t5_l0"), 1e-12); // step 5 is row 3: (4,0,1) − (1,1,1) = (3,-1,0)
  }

  @Test
  void rejectsAShapeThatDisagreesWithTheSchema() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SteerabilityFeatures.compute(SCHEMA, STEERED, new float[][][] {REPLAY[0]}, U, 1, 1));
    assertTrue(e.getMessage().contains("replay has 1 steps; the schema has 2"), e.getMessage());
  }

  @Test
  void rejectsAHiddenRowOfTheWrongLength() {
    float[][][] replay = {{{0, 1}, {2, 0}}, {{1, 0}, {0, 1, 5}}};
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SteerabilityFeatures.compute(SCHEMA, STEERED, replay, U, 1, 1));
    assertTrue(e.getMessage().contains("replay[1][1] has length 3"), e.getMessage());
  }

  @Test
  void rejectsNonFiniteHiddenStates() {
    float[][][] replay = {{{0, Float.NaN}, {2, 0}}, {{1, 0}, {0, 1}}};
    assertThrows(IllegalArgumentException.class, () -> SteerabilityFeatures.compute(SCHEMA, STEERED, replay, U, 1, 1));
  }

  @Test
  void rejectsANegativeVectorNorm() {
    assertThrows(
        IllegalArgumentException.class, () -> SteerabilityFeatures.compute(SCHEMA, STEERED, REPLAY, U, -1, 1));
  }

  @Test
  void aSchemaWithExtraColumnsIsRejectedBecauseOnlyTheCallerKnowsTheirValues() {
    FeatureSchema extended = SCHEMA.withExtraColumns(List.of("kl_t0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SteerabilityFeatures.compute(extended, STEERED, REPLAY, U, 2.5, 0.4));
    assertTrue(e.getMessage().contains("kl_t0"), e.getMessage());
  }
}
