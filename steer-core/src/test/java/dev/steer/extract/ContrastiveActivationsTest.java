package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ContrastiveActivationsTest {

  private static final float[][] ONE_TOKEN = {{1, 2, 3}};

  private static List<float[][]> examples(float[][]... examples) {
    return List.of(examples);
  }

  private static void assertRejected(String expectedFragment, Executable executable) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(
        e.getMessage().contains(expectedFragment),
        "message \"" + e.getMessage() + "\" should contain \"" + expectedFragment + "\"");
  }

  @Test
  void rejectsNoPositives() {
    assertRejected(
        "no positive examples", () -> ContrastiveActivations.of(examples(), examples(ONE_TOKEN)));
  }

  @Test
  void rejectsNoNegatives() {
    assertRejected(
        "no negative examples", () -> ContrastiveActivations.of(examples(ONE_TOKEN), examples()));
  }

  @Test
  void rejectsAnExampleWithoutTokens() {
    assertRejected(
        "negative example 1 has no tokens",
        () -> ContrastiveActivations.of(examples(ONE_TOKEN), examples(ONE_TOKEN, new float[0][])));
  }

  @Test
  void rejectsAMismatchedHiddenSizeNamingExampleTokenAndSizes() {
    float[][] bad = {{1, 2, 3}, {1, 2}};
    assertRejected(
        "positive example 1 token 1 has hidden size 2; expected 3",
        () -> ContrastiveActivations.of(examples(ONE_TOKEN, bad), examples(ONE_TOKEN)));
  }

  @Test
  void rejectsAMismatchBetweenPositivesAndNegatives() {
    assertRejected(
        "negative example 0 token 0 has hidden size 4; expected 3",
        () ->
            ContrastiveActivations.of(examples(ONE_TOKEN), examples(new float[][] {{1, 2, 3, 4}})));
  }

  @Test
  void rejectsNaNNamingWhereItIs() {
    float[][] bad = {{1, 2, 3}, {4, Float.NaN, 6}};
    assertRejected(
        "negative example 0 token 1 component 1 is NaN",
        () -> ContrastiveActivations.of(examples(ONE_TOKEN), examples(bad)));
  }

  @Test
  void rejectsInfinity() {
    assertRejected(
        "positive example 0 token 0 component 2 is Infinity",
        () ->
            ContrastiveActivations.ofVectors(
                new float[][] {{1, 2, Float.POSITIVE_INFINITY}}, new float[][] {{1, 2, 3}}));
  }

  @Test
  void rejectsNullExamplesAndRows() {
    List<float[][]> withNull = new ArrayList<>();
    withNull.add(ONE_TOKEN);
    withNull.add(null);
    assertRejected(
        "positive example 1 is null",
        () -> ContrastiveActivations.of(withNull, examples(ONE_TOKEN)));
    assertRejected(
        "negative example 0 token 0 is null",
        () -> ContrastiveActivations.of(examples(ONE_TOKEN), examples(new float[][] {null})));
  }

  @Test
  void rejectsZeroHiddenSize() {
    assertRejected(
        "hidden size 0",
        () ->
            ContrastiveActivations.of(examples(new float[][] {{}}), examples(new float[][] {{}})));
  }

  @Test
  void copiesInputSoLaterMutationDoesNotLeakIn() {
    float[][] example = {{1, 2, 3}};
    ContrastiveActivations a = ContrastiveActivations.of(examples(example), examples(ONE_TOKEN));
    example[0][0] = 99;
    a.positive(0)[0][1] = 99;
    assertArrayEquals(new float[] {1, 2, 3}, a.positive(0)[0]);
  }

  @Test
  void reportsCountsHiddenSizeAndPairing() {
    ContrastiveActivations a =
        ContrastiveActivations.ofVectors(new float[][] {{1, 2}, {3, 4}}, new float[][] {{5, 6}});
    assertEquals(2, a.positiveCount());
    assertEquals(1, a.negativeCount());
    assertEquals(2, a.hiddenSize());
    assertFalse(a.isPaired());
    assertArrayEquals(new float[] {5, 6}, a.swapped().positive(0)[0]);
    assertEquals("ContrastiveActivations[positives=2, negatives=1, hidden=2]", a.toString());
  }
}
