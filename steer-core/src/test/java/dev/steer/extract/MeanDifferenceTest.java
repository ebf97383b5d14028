package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steer.vector.SteeringVector;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeanDifferenceTest {

  @Test
  void equalsTheHandComputedDifferenceOfMeans() {
    // positives mean (2, 3, 4); negatives mean (1, 0, 1)
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(
            new float[][] {{1, 2, 3}, {3, 4, 5}}, new float[][] {{0, 1, 0}, {2, -1, 2}});
    SteeringVector v = MeanDifference.extract(a, TokenPosition.LAST);
    assertArrayEquals(new float[] {1, 3, 3}, v.toArray());
  }

  @Test
  void acceptsUnequalCounts() {
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(
            new float[][] {{1, 0}, {3, 0}, {5, 3}}, new float[][] {{0, 1}});
    // (3, 1) − (0, 1)
    assertArrayEquals(new float[] {3, 0}, MeanDifference.extract(a, TokenPosition.LAST).toArray());
  }

  @Test
  void swappingRolesNegatesTheVector() {
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(
            new float[][] {{1, 2, 3}, {3, 4, 5}}, new float[][] {{0, 1, 0}});
    SteeringVector v = MeanDifference.extract(a, TokenPosition.LAST);
    SteeringVector w = MeanDifference.extract(a.swapped(), TokenPosition.LAST);
    assertArrayEquals(v.scale(-1).toArray(), w.toArray());
  }

  @Test
  void recordsMethodCountsAndPosition() {
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(new float[][] {{1}, {2}}, new float[][] {{0}});
    SteeringVector v = MeanDifference.extract(a, TokenPosition.MEAN);
    assertEquals("mean_difference", v.metadata().method());
    assertEquals(
        Map.of("positives", "2", "negatives", "1", "token_position", "mean"),
        v.metadata().details());
    assertEquals(v.hookPoint(), java.util.Optional.empty());
  }
}
