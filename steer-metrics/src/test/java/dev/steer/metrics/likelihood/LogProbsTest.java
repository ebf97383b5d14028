package dev.steer.metrics.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogProbsTest {

  @Test
  void meanIsTheAverageTokenLogProbability() {
    // p = 0.5, 0.25 -> (ln 0.5 + ln 0.25)/2 = ln(1/√8)
    assertEquals(Math.log(1 / Math.sqrt(8)), LogProbs.mean(new double[] {Math.log(0.5), Math.log(0.25)}), 1e-15);
  }

  @Test
  void perplexityIsExpOfMinusTheMean() {
    // geometric mean probability 1/√8 -> perplexity √8
    assertEquals(Math.sqrt(8), LogProbs.perplexity(new double[] {Math.log(0.5), Math.log(0.25)}), 1e-12);
  }

  @Test
  void certainTokensHavePerplexityOne() {
    assertEquals(1.0, LogProbs.perplexity(new double[] {0, 0, 0}), 0);
  }

  @Test
  void anImpossibleTokenGivesInfinitePerplexity() {
    assertEquals(
        Double.POSITIVE_INFINITY, LogProbs.perplexity(new double[] {-1, Double.NEGATIVE_INFINITY}), 0);
  }

  @Test
  void rejectsPositiveLogProbabilitiesNamingTheIndex() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LogProbs.mean(new double[] {-1, 0.1}));
    assertTrue(e.getMessage().contains("tokenLogProbs[1] is 0.1"), e.getMessage());
  }

  @Test
  void rejectsNaN() {
    assertThrows(IllegalArgumentException.class, () -> LogProbs.mean(new double[] {Double.NaN}));
  }

  @Test
  void rejectsAnEmptyContinuation() {
    assertThrows(IllegalArgumentException.class, () -> LogProbs.perplexity(new double[0]));
  }
}
