package dev.steer.metrics.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NextTokenStatsTest {

  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  /** Logits ln(w_i): softmax gives w_i / Σw exactly up to rounding. */
  private static float[] logitsOfWeights(double... w) {
    float[] x = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      x[i] = (float) Math.log(w[i]);
    }
    return x;
  }

  @Test
  void entropyMatchesHandComputation() {
    // p = (0.1, 0.2, 0.3, 0.4)
    NextTokenStats stats = new NextTokenStats().measure(logitsOfWeights(1, 2, 3, 4));
    double expected =
        -(0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.4 * Math.log(0.4));
    assertEquals(expected, stats.entropy(), 1e-6);
    assertEquals(Math.exp(expected), stats.branchingFactor(), 1e-5);
    assertEquals(1.0, stats.topKMass(), 0);
  }

  @Test
  void topKRenormalisesTheKeptTokens() {
    // p = (0.1, 0.2, 0.3, 0.4), k = 2 keeps (0.3, 0.4) -> q = (3/7, 4/7)
    NextTokenStats stats = new NextTokenStats(2).measure(logitsOfWeights(1, 2, 3, 4));
    double q1 = 3.0 / 7;
    double q2 = 4.0 / 7;
    double expected = -(q1 * Math.log(q1) + q2 * Math.log(q2));
    assertEquals(expected, stats.topKEntropy(), 1e-6);
    assertEquals(Math.exp(expected), stats.branchingFactor(), 1e-6);
    assertEquals(0.7, stats.topKMass(), 1e-6);
  }

  @Test
  void allEqualLogitsGiveLnVAndBranchingFactorV() {
    NextTokenStats stats = new NextTokenStats().measure(new float[] {3f, 3f, 3f, 3f, 3f});
    assertEquals(Math.log(5), stats.entropy(), 1e-12);
    assertEquals(5.0, stats.branchingFactor(), 1e-12);
  }

  @Test
  void tiesAtTheCutOffDoNotChangeTheBranchingFactor() {
    // three tied tokens, k = 2 keeps two of them -> uniform over 2
    NextTokenStats stats = new NextTokenStats(2).measure(new float[] {1f, 1f, 1f, 0f});
    assertEquals(2.0, stats.branchingFactor(), 1e-12);
  }

  @Test
  void maskedTokensHaveZeroProbability() {
    NextTokenStats stats = new NextTokenStats().measure(new float[] {NEG_INF, 0f, NEG_INF, 0f});
    assertEquals(Math.log(2), stats.entropy(), 1e-12);
    assertEquals(2.0, stats.branchingFactor(), 1e-12);
  }

  @Test
  void maskedTokensAreNeverAmongTheTopK() {
    // one possible token and k = 3: the kept set is just that token
    NextTokenStats stats = new NextTokenStats(3).measure(new float[] {NEG_INF, NEG_INF, 5f, NEG_INF, NEG_INF});
    assertEquals(0.0, stats.topKEntropy(), 0);
    assertEquals(1.0, stats.branchingFactor(), 0);
  }

  @Test
  void hugeLogitsGiveExactResultsWithoutOverflow() {
    NextTokenStats stats = new NextTokenStats(2).measure(new float[] {1e30f, 0f, -1e30f});
    assertEquals(0.0, stats.entropy(), 0);
    assertEquals(1.0, stats.branchingFactor(), 0);
    assertEquals(1e30, stats.logSumExp(), 1e30 * 1e-6);

    NextTokenStats tied = new NextTokenStats().measure(new float[] {1e30f, 1e30f, -1e30f});
    assertEquals(Math.log(2), tied.entropy(), 1e-12);
  }

  @Test
  void underflowingProbabilitiesContributeExactlyZero() {
    NextTokenStats stats = new NextTokenStats().measure(new float[] {0f, -2000f, -2000f});
    assertEquals(0.0, stats.entropy(), 0);
    assertEquals(1.0, stats.branchingFactor(), 0);
  }

  @Test
  void maximumArrivingLateIsRescaledCorrectly() {
    // ascending order forces the running maximum to move at every element
    float[] ascending = {-5f, -1f, 0f, 2f, 7f};
    float[] descending = {7f, 2f, 0f, -1f, -5f};
    NextTokenStats a = new NextTokenStats().measure(ascending);
    double ha = a.entropy();
    double lsea = a.logSumExp();
    NextTokenStats d = new NextTokenStats().measure(descending);
    assertEquals(d.entropy(), ha, 1e-12);
    assertEquals(d.logSumExp(), lsea, 1e-12);
  }

  @Test
  void kAtLeastVocabularyKeepsEveryToken() {
    float[] logits = logitsOfWeights(1, 2, 3, 4);
    NextTokenStats stats = new NextTokenStats(Integer.MAX_VALUE).measure(logits);
    assertEquals(Math.exp(stats.entropy()), stats.branchingFactor(), 0);
    assertEquals(stats.entropy(), new NextTokenStats(4).measure(logits).topKEntropy(), 0);
  }

  @Test
  void workspaceGivesTheSameResultsWhenReused() {
    float[] big = new float[5000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) Math.sin(i) * 10;
    }
    float[] small = logitsOfWeights(5, 1, 1, 3, 2, 8);
    NextTokenStats reused = new NextTokenStats(3);
    reused.measure(big);
    double bfSmallAfterBig = reused.measure(small).branchingFactor();
    assertEquals(new NextTokenStats(3).measure(small).branchingFactor(), bfSmallAfterBig, 0);
  }

  @Test
  void measureReturnsTheWorkspace() {
    NextTokenStats stats = new NextTokenStats();
    assertSame(stats, stats.measure(new float[] {1f}));
  }

  @Test
  void rejectsNaNNamingTheIndex() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new NextTokenStats().measure(new float[] {0f, Float.NaN}));
    assertTrue(e.getMessage().contains("logits[1]"), e.getMessage());
  }

  @Test
  void rejectsPositiveInfinity() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new NextTokenStats().measure(new float[] {Float.POSITIVE_INFINITY, 0f}));
    assertTrue(e.getMessage().contains("logits[0] is Infinity"), e.getMessage());
  }

  @Test
  void rejectsARowWithNoPossibleToken() {
    assertThrows(IllegalArgumentException.class, () -> new NextTokenStats().measure(new float[] {NEG_INF, NEG_INF}));
  }

  @Test
  void rejectsAnEmptyRow() {
    assertThrows(IllegalArgumentException.class, () -> new NextTokenStats().measure(new float[0]));
  }

  @Test
  void rejectsNonPositiveK() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NextTokenStats(0));
    assertTrue(e.getMessage().contains("topK"), e.getMessage());
  }

  @Test
  void resultsAreUnavailableBeforeAnyMeasurement() {
    assertThrows(IllegalStateException.class, () -> new NextTokenStats().entropy());
  }

  @Test
  void resultsAreUnavailableAfterARejectedRow() {
    NextTokenStats stats = new NextTokenStats().measure(new float[] {1f, 2f});
    assertThrows(IllegalArgumentException.class, () -> stats.measure(new float[] {Float.NaN}));
    assertThrows(IllegalStateException.class, stats::branchingFactor);
  }

  @Test
  void branchingFactorOfAUniformTopKNeverExceedsKThroughRounding() {
    // exp(ln 3) is 3.0000000000000004 in double
    assertEquals(3.0, new NextTokenStats(3).measure(new float[] {0, 0, 0}).branchingFactor());
    assertEquals(3.0, new NextTokenStats(3).measure(new float[] {0, 0, 0, -5}).branchingFactor());
  }
}
