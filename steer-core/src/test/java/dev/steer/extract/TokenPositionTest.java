package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenPositionTest {

  /** Three tokens, hidden size 2. */
  private static final float[][] EXAMPLE = {{1, 2}, {3, 4}, {5, 7}};

  private static double[] pool(TokenPosition position) {
    return Pooling.pool(EXAMPLE, position, "positive", 0);
  }

  @Test
  void lastPicksTheLastRow() {
    assertArrayEquals(new double[] {5, 7}, pool(TokenPosition.LAST));
  }

  @Test
  void negativeOffsetCountsFromTheEnd() {
    assertArrayEquals(new double[] {3, 4}, pool(TokenPosition.offset(-2)));
    assertArrayEquals(new double[] {1, 2}, pool(TokenPosition.offset(-3)));
  }

  @Test
  void nonNegativeOffsetCountsFromTheStart() {
    assertArrayEquals(new double[] {1, 2}, pool(TokenPosition.offset(0)));
    assertArrayEquals(new double[] {5, 7}, pool(TokenPosition.offset(2)));
  }

  @Test
  void meanAveragesEveryRow() {
    // (1+3+5)/3, (2+4+7)/3
    assertArrayEquals(new double[] {3, 13.0 / 3}, pool(TokenPosition.MEAN), 1e-12);
  }

  @Test
  void meanSkipFirstLeavesOutTheFirstRow() {
    // (3+5)/2, (4+7)/2
    assertArrayEquals(new double[] {4, 5.5}, pool(TokenPosition.MEAN_SKIP_FIRST), 1e-12);
  }

  @Test
  void offsetPastEitherEndNamesTheExampleAndItsLength() {
    for (int k : new int[] {3, -4}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Pooling.pool(EXAMPLE, TokenPosition.offset(k), "negative", 5));
      assertTrue(
          e.getMessage().contains("negative example 5, which has 3 token(s)"), e.getMessage());
      assertTrue(e.getMessage().contains("offset:" + k), e.getMessage());
    }
  }

  @Test
  void meanSkipFirstRejectsAOneTokenExample() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pooling.pool(new float[][] {{1, 2}}, TokenPosition.MEAN_SKIP_FIRST, "positive", 2));
    assertTrue(e.getMessage().contains("positive example 2 has 1"), e.getMessage());
  }

  @Test
  void extractionUsesThePositionForEveryExample() {
    // Negatives are zero, so the mean difference is the positives' mean at the position.
    ContrastiveActivations activations =
        ContrastiveActivations.of(
            List.of(EXAMPLE, new float[][] {{0, 0}, {0, 0}, {5, 6}, {9, 9}}),
            List.of(new float[][] {{0, 0}, {0, 0}}, new float[][] {{0, 0}, {0, 0}}));
    SteeringVector v = MeanDifference.extract(activations, TokenPosition.offset(-2));
    assertArrayEquals(new float[] {4, 5}, v.toArray()); // ({3, 4} + {5, 6}) / 2
  }

  @Test
  void lastEqualsOffsetMinusOne() {
    assertEquals(TokenPosition.LAST, TokenPosition.offset(-1));
    assertEquals("last", TokenPosition.offset(-1).id());
  }

  @Test
  void idsRoundTripThroughParse() {
    for (TokenPosition p :
        List.of(
            TokenPosition.LAST,
            TokenPosition.offset(-2),
            TokenPosition.offset(0),
            TokenPosition.offset(7),
            TokenPosition.MEAN,
            TokenPosition.MEAN_SKIP_FIRST)) {
      assertEquals(p, TokenPosition.parse(p.id()));
    }
    assertEquals("offset:-2", TokenPosition.offset(-2).id());
    assertEquals("mean_skip_first", TokenPosition.MEAN_SKIP_FIRST.id());
  }

  @Test
  void parseRejectsAnUnknownName() {
    for (String bad : new String[] {"first", "offset:", "offset:x", "MEAN", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TokenPosition.parse(bad));
      assertTrue(e.getMessage().contains("unknown token position \"" + bad + "\""), e.getMessage());
    }
  }
}
