package dev.steer.onnx.generate;

import static dev.steer.onnx.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.onnx.Theories;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SamplerTest {

  private static final int[] NO_HISTORY = new int[0];

  @Test
  void greedyTakesTheArgmaxAndTheLowestIdOnTies() {
    Sampler s = new Sampler(GenerationConfig.greedy(1));
    assertEquals(2, s.next(new float[] {0f, 1f, 3f, -1f}, NO_HISTORY, 0));
    assertEquals(1, s.next(new float[] {0f, 3f, 3f, -1f}, NO_HISTORY, 0));
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() {
    double[] x = {2.0, -1.0, 0.5, 4.0};
    Sampler.applyRepetitionPenalty(x, new int[] {0, 1, 0, 1}, 4, 2.0, new boolean[4]);
    assertArrayEquals(new double[] {1.0, -2.0, 0.5, 4.0}, x, 0);
  }

  @Test
  void repetitionPenaltyCanChangeTheGreedyChoice() {
    GenerationConfig c = GenerationConfig.builder().repetitionPenalty(2.0).build();
    float[] logits = {3f, 2f};
    assertEquals(1, new Sampler(c).next(logits, new int[] {0}, 1));
    assertEquals(0, new Sampler(c).next(logits, new int[] {0}, 0));
  }

  @Test
  void equalSeedsGiveEqualSamplesAndOtherSeedsDiffer() {
    float[] logits = {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f};
    int[] a = draw(GenerationConfig.sampled(1, 1.0, 42), logits, 200);
    int[] b = draw(GenerationConfig.sampled(1, 1.0, 42), logits, 200);
    int[] c = draw(GenerationConfig.sampled(1, 1.0, 43), logits, 200);
    assertArrayEquals(a, b);
    assertTrue(!java.util.Arrays.equals(a, c));
  }

  @Test
  void sampleFrequenciesFollowTheTemperedSoftmax() {
    float[] logits = {0f, 1f, 2f};
    double t = 2.0;
    int n = 40_000;
    int[] counts = new int[3];
    for (int tok : draw(GenerationConfig.sampled(1, t, 7), logits, n)) {
      counts[tok]++;
    }
    double z = Math.exp(0 / t) + Math.exp(1 / t) + Math.exp(2 / t);
    for (int i = 0; i < 3; i++) {
      double p = Math.exp(i / t) / z;
      double sd = Math.sqrt(p * (1 - p) / n);
      assertEquals(p, counts[i] / (double) n, 5 * sd, "token " + i);
    }
  }

  @Test
  void topKRestrictsTheSupportToTheKMostLikely() {
    float[] logits = {5f, 0f, 4.9f, 4.8f, -3f};
    GenerationConfig c = GenerationConfig.builder().temperature(1).topK(2).seed(1).build();
    for (int tok : draw(c, logits, 500)) {
      assertTrue(tok == 0 || tok == 2, "sampled " + tok);
    }
  }

  @Test
  void topPKeepsTheSmallestPrefixReachingP() {
    // probabilities ≈ 0.665, 0.245, 0.090: p = 0.7 keeps the first two, p = 0.5 only the first
    float[] logits = {2f, 1f, 0f};
    GenerationConfig keepTwo = GenerationConfig.builder().temperature(1).topP(0.7).seed(3).build();
    boolean sawSecond = false;
    for (int tok : draw(keepTwo, logits, 500)) {
      assertTrue(tok != 2, "token 2 lies outside the top-p set");
      sawSecond |= tok == 1;
    }
    assertTrue(sawSecond);
    GenerationConfig keepOne = GenerationConfig.builder().temperature(1).topP(0.5).seed(3).build();
    for (int tok : draw(keepOne, logits, 100)) {
      assertEquals(0, tok);
    }
  }

  /** Rows of {@code min} to {@code max} logits in [-bound, bound]. */
  private static Gen<float[]> logits(int min, int max, float bound) {
    Gen<Float> logit = floats().between(-bound, bound);
    return Theories.readable(
        integers()
            .between(min, max)
            .flatMap(
                n ->
                    in -> {
                      float[] x = new float[n];
                      for (int i = 0; i < n; i++) {
                        x[i] = logit.generate(in);
                      }
                      return x;
                    }));
  }

  @Test
  void topKOfOneIsGreedy() {
    GenerationConfig c = GenerationConfig.builder().temperature(0.7).topK(1).seed(5).build();
    qt(205)
        .forAll(logits(1, 50, 1e4f))
        .checkAssert(
            logits -> {
              int greedy = new Sampler(GenerationConfig.greedy(1)).next(logits, NO_HISTORY, 0);
              assertEquals(logits[greedy], logits[new Sampler(c).next(logits, NO_HISTORY, 0)]);
            });
  }

  @Test
  void neverSamplesAMaskedToken() {
    qt(205)
        .forAll(logits(2, 20, 5))
        .checkAssert(
            raw -> {
              float[] logits = raw.clone();
              logits[0] = Float.NEGATIVE_INFINITY;
              for (int tok : draw(GenerationConfig.sampled(1, 1.0, 11), logits, 50)) {
                assertTrue(tok != 0);
              }
            });
  }

  @Test
  void hugeLogitsKeepTheirOrder() {
    float[] logits = {Float.MAX_VALUE, -Float.MAX_VALUE, 0.75f * Float.MAX_VALUE};
    GenerationConfig c = GenerationConfig.builder().temperature(0.7).topK(1).seed(5).build();
    assertEquals(0, new Sampler(c).next(logits, NO_HISTORY, 0));
  }

  /** Hugging Face keeps every token tied with the k-th logit; keeping exactly k would favour low ids. */
  @Test
  void topKKeepsEveryTokenTiedWithTheKthLogit() {
    float[] logits = {2f, 1f, 1f, 1f, 0f};
    GenerationConfig c = GenerationConfig.builder().temperature(1).topK(2).seed(7).build();
    boolean[] seen = new boolean[logits.length];
    for (int tok : draw(c, logits, 2000)) {
      seen[tok] = true;
    }
    assertTrue(seen[0] && seen[1] && seen[2] && seen[3], "tokens 1 to 3 tie for second place");
    assertTrue(!seen[4], "token 4 is below the k-th logit");
  }

  /** A temperature so small that logit / temperature overflows still samples the top token. */
  @Test
  void aTinyTemperatureSamplesTheTopToken() {
    GenerationConfig c = GenerationConfig.builder().temperature(1e-310).seed(2).build();
    for (int tok : draw(c, new float[] {3f, 2f, 1f}, 100)) {
      assertEquals(0, tok);
    }
    for (int tok : draw(c, new float[] {-3f, -1f, -2f}, 100)) {
      assertEquals(1, tok);
    }
  }

  @Test
  void rejectsNaNLogitsAndAllMaskedRows() {
    Sampler s = new Sampler(GenerationConfig.sampled(1, 1.0, 1));
    assertThrows(IllegalStateException.class, () -> s.next(new float[] {0f, Float.NaN}, NO_HISTORY, 0));
    assertThrows(IllegalStateException.class,
        () -> s.next(new float[] {0f, 1f, Float.POSITIVE_INFINITY}, NO_HISTORY, 0));
    assertThrows(IllegalArgumentException.class,
        () -> s.next(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, NO_HISTORY, 0));
  }

  @Test
  void configRejectsInvalidSettingsNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GenerationConfig.builder().topP(0).build());
    assertTrue(e.getMessage().contains("topP"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.greedy(0));
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().temperature(-1).build());
    assertThrows(IllegalArgumentException.class, () -> GenerationConfig.builder().repetitionPenalty(0.5).build());
  }

  private static int[] draw(GenerationConfig config, float[] logits, int n) {
    Sampler s = new Sampler(config);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = s.next(logits, NO_HISTORY, 0);
    }
    return out;
  }
}
