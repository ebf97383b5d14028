package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TrainingOptionsTest {

  private final TrainingOptions options = new TrainingOptions(1, 1100, 8, 2e-3, 100, 0.1, 1, 8, 8, 0, java.util.Map.of());

  @Test
  void learningRateWarmsUpLinearly() {
    assertEquals(2e-5, options.learningRate(1), 1e-15);
    assertEquals(1e-3, options.learningRate(50), 1e-15);
    assertEquals(2e-3, options.learningRate(100), 1e-15);
  }

  @Test
  void learningRateFollowsACosineDownToTheFinalFraction() {
    assertEquals(2e-3 * (0.1 + 0.9 * 0.5), options.learningRate(600), 1e-15);
    assertEquals(2e-4, options.learningRate(1100), 1e-15);
  }

  @Test
  void rejectsFewerTrainingStoriesThanABatch() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainingOptions(1, 10, 8, 1e-3, 0, 0.1, 1, 7, 8, 0, java.util.Map.of()));
    assertEquals("trainStories 7 < batchSize 8", e.getMessage());
  }

  @Test
  void defaultsCarryTheStandardEarlyExitsAndBadWeightsAreRefused() {
    assertEquals(java.util.Map.of(1, 0.5, 2, 0.5), TrainingOptions.defaults(1, 10).earlyExits());
    for (double weight : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TrainingOptions(1, 10, 8, 1e-3, 0, 0.1, 1, 8, 8, 0, java.util.Map.of(1, weight)));
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("early-exit weight"), e.getMessage());
    }
  }
}
