package dev.steer.metrics.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.metrics.features.FeatureVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrengthSearchTest {

  /** α ∈ {0.2, 0.4, …, 9.0}, Fan et al.'s grid. */
  private static final List<Double> GRID = grid();
  private static final int TOKENS = 30;

  /** The oracle judge: success exactly for α in [4.0, 4.6]; every decode costs 30 tokens. */
  private static StrengthSearch.Decode oracle(double alpha) {
    return new StrengthSearch.Decode(alpha >= 4.0 - 1e-9 && alpha <= 4.6 + 1e-9, TOKENS);
  }

  @Test
  void aGoodPredictorFindsTheSuccessWithFarFewerDecodesThanTheGrid() {
    StrengthSearch.Result search =
        StrengthSearch.search(GRID, a -> Math.exp(-(a - 4.3) * (a - 4.3)), StrengthSearchTest::oracle, 20, 0);
    StrengthSearch.Result grid = StrengthSearch.grid(GRID, StrengthSearchTest::oracle);
    assertTrue(search.succeeded());
    assertEquals(1, search.decodes());
    assertEquals(TOKENS, search.decodedTokens());
    assertEquals(45, grid.decodes());
    assertEquals(45L * TOKENS, grid.decodedTokens());
    assertEquals(4.0, grid.strength().getAsDouble(), 1e-9);
  }

  @Test
  void decodesFollowDescendingProbabilityAndStopAtTheFirstSuccess() {
    // peak at 5.0 (a failure): the search walks outwards 5.0, 4.8, 5.2, 4.6 (success)
    StrengthSearch.Result r =
        StrengthSearch.search(GRID, a -> 1 / (1 + Math.abs(a - 5.0) + 0.01 * a), StrengthSearchTest::oracle, 20, 0);
    assertEquals(4, r.decodes());
    assertEquals(List.of(5.0, 4.8, 5.2, 4.6), rounded(r.decodedStrengths()));
    assertEquals(4L * TOKENS, r.decodedTokens());
    assertEquals(4.6, r.strength().getAsDouble(), 1e-9);
  }

  @Test
  void theBudgetCapsFullDecodes() {
    StrengthSearch.Result r = StrengthSearch.search(GRID, a -> a / 9.0, StrengthSearchTest::oracle, 3, 0);
    assertFalse(r.succeeded());
    assertEquals(3, r.decodes());
    assertEquals(3L * TOKENS, r.decodedTokens());
  }

  @Test
  void candidatesBelowTheThresholdAreNeverDecoded() {
    StrengthSearch.Result r = StrengthSearch.search(GRID, a -> 0.1, StrengthSearchTest::oracle, 20, 0.5);
    assertEquals(0, r.decodes());
    assertEquals(0, r.decodedTokens());
  }

  @Test
  void aClassifierOnEarlyFeaturesGuidesTheSearch() {
    // labels by α: under-steer below 4, success in [4, 4.6], over-steer above; the features see α
    Random random = new Random(5);
    List<FeatureVector> x = new ArrayList<>();
    List<SteerOutcome> y = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      for (double a : GRID) {
        x.add(Planted.ofAlpha(a, random));
        y.add(a < 4.0 - 1e-9 ? SteerOutcome.UNDER_STEER : oracle(a).success() ? SteerOutcome.SUCCESS : SteerOutcome.OVER_STEER);
      }
    }
    SteerabilityClassifier c = SteerabilityClassifier.train(x, y, Planted.FAST);
    StrengthSearch.Result r =
        StrengthSearch.search(GRID, a -> Planted.ofAlpha(a, random), c, StrengthSearchTest::oracle, 20, 0);
    assertTrue(r.succeeded());
    assertTrue(r.decodes() <= 3, "decodes " + r.decodes());
    assertEquals((long) r.decodes() * TOKENS, r.decodedTokens());
  }

  @Test
  void comparisonWithTheGridReportsSuccessRatesAndTokenFraction() {
    List<StrengthSearch.Result> searches = new ArrayList<>();
    List<StrengthSearch.Result> grids = new ArrayList<>();
    // problem 1: found in one decode; problem 2: budget of 2 spent without success
    searches.add(StrengthSearch.search(GRID, a -> Math.exp(-(a - 4.3) * (a - 4.3)), StrengthSearchTest::oracle, 20, 0));
    searches.add(StrengthSearch.search(GRID, a -> a / 9.0, StrengthSearchTest::oracle, 2, 0));
    grids.add(StrengthSearch.grid(GRID, StrengthSearchTest::oracle));
    grids.add(StrengthSearch.grid(GRID, StrengthSearchTest::oracle));
    StrengthSearch.Comparison c = StrengthSearch.compare(searches, grids);
    assertEquals(0.5, c.searchSuccessRate());
    assertEquals(1.0, c.gridSuccessRate());
    assertEquals(0.5, c.relativeSuccess());
    assertEquals(3.0 / 90.0, c.tokenFraction(), 1e-12);
  }

  @Test
  void probabilitiesOutsideTheUnitIntervalAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StrengthSearch.search(GRID, a -> 2.0, StrengthSearchTest::oracle, 5, 0));
    assertTrue(e.getMessage().contains("expected [0, 1]"), e.getMessage());
  }

  private static List<Double> grid() {
    List<Double> g = new ArrayList<>();
    for (int i = 1; i <= 45; i++) {
      g.add(i * 0.2);
    }
    return List.copyOf(g);
  }

  private static List<Double> rounded(List<Double> xs) {
    return xs.stream().map(a -> Math.round(a * 10) / 10.0).toList();
  }
}
