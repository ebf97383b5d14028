package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReferenceDecoderTest {

  private static final TestbedModelConfig SMALL = new TestbedModelConfig(13, 8, 2, 2, 16, 6, 1e-5);

  @Test
  void geluNewMatchesGpt2sTanhApproximation() {
    // Values of 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed independently.
    assertEquals(0.8411919906082768, ReferenceDecoder.geluNew(1.0), 1e-15);
    assertEquals(-0.15880800939172324, ReferenceDecoder.geluNew(-1.0), 1e-15);
    assertEquals(0.0, ReferenceDecoder.geluNew(0.0), 0.0);
  }

  @Test
  void layerNormCentresScalesThenAppliesGainAndBias() {
    double[] y =
        ReferenceDecoder.layerNorm(
            new double[] {1, 2, 3, 6}, new double[] {1, 2, 1, 1}, new double[] {0, 0, 1, 0}, 1e-5);
    // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
    double s = Math.sqrt(3.5 + 1e-5);
    assertArrayEquals(new double[] {-2 / s, 2 * -1 / s, 1, 3 / s}, y, 1e-12);
  }

  @Test
  void logitsAtAPositionDoNotDependOnLaterTokens() {
    ReferenceDecoder decoder = new ReferenceDecoder(TestbedWeights.random(SMALL, 2));
    double[][] a = decoder.logits(new int[] {1, 5, 7, 2});
    double[][] b = decoder.logits(new int[] {1, 5, 9, 3});
    assertArrayEquals(a[0], b[0], 0);
    assertArrayEquals(a[1], b[1], 0);
    assertFalse(Arrays.equals(a[2], b[2]));
  }

  @Test
  void positionsMatter() {
    ReferenceDecoder decoder = new ReferenceDecoder(TestbedWeights.random(SMALL, 2));
    double[][] a = decoder.logits(new int[] {4, 4});
    assertFalse(Arrays.equals(a[0], a[1]));
  }

  @Test
  void rejectsMoreTokensThanPositions() {
    ReferenceDecoder decoder = new ReferenceDecoder(TestbedWeights.random(SMALL, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> decoder.logits(new int[7]));
    assertEquals("7 tokens exceed the model's 6 positions", e.getMessage());
  }

  @Test
  void rejectsATokenOutsideTheVocabulary() {
    ReferenceDecoder.Session session = new ReferenceDecoder(TestbedWeights.random(SMALL, 2)).newSession();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.next(13));
    assertEquals("token id 13 outside [0, 13)", e.getMessage());
  }

  @Test
  void sessionRefusesToGoPastTheLastPosition() {
    ReferenceDecoder.Session session = new ReferenceDecoder(TestbedWeights.random(SMALL, 2)).newSession();
    for (int i = 0; i < 6; i++) {
      session.next(i);
    }
    assertThrows(IllegalStateException.class, () -> session.next(0));
  }
}
