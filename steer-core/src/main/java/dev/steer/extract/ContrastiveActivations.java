package dev.steer.extract;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Activations captured at one hook point for two contrasting sets of prompts: positives (showing
 * the concept) and negatives (its opposite or its absence).
 *
 * <p>Each example is a {@code float[tokens][hidden]} matrix: one row per token. Every row of every
 * example must have the same hidden size and only finite values; each example needs at least one
 * token. Methods that work on pairs ({@link ExtractionMethod#PCA}) pair positive {@code i} with
 * negative {@code i} and need equal counts; the others accept any counts.
 *
 * <p>Immutable: the matrices are deep-copied in and out, so instances are thread-safe.
 */
public final class ContrastiveActivations {

  private final List<float[][]> positives;
  private final List<float[][]> negatives;
  private final int hiddenSize;

  private ContrastiveActivations(
      List<float[][]> positives, List<float[][]> negatives, int hiddenSize) {
    this.positives = positives;
    this.negatives = negatives;
    this.hiddenSize = hiddenSize;
  }

  /**
   * Activations of whole examples, {@code [tokens][hidden]} each (copied).
   *
   * @throws IllegalArgumentException if either list is empty, an example has no tokens, hidden
   *     sizes differ, or a value is NaN or infinite; the message names the example and token
   */
  public static ContrastiveActivations of(List<float[][]> positives, List<float[][]> negatives) {
    checkNotNull(positives, "positives");
    checkNotNull(negatives, "negatives");
    checkArgument(!positives.isEmpty(), "no positive examples; need at least one");
    checkArgument(!negatives.isEmpty(), "no negative examples; need at least one");
    float[][] first = positives.get(0);
    checkArgument(first != null, "positive example 0 is null");
    checkArgument(first.length > 0, "positive example 0 has no tokens; need at least one");
    checkArgument(first[0] != null, "positive example 0 token 0 is null");
    int hidden = first[0].length;
    checkArgument(hidden > 0, "positive example 0 token 0 has hidden size 0; need at least 1");
    return new ContrastiveActivations(
        copyChecked(positives, "positive", hidden),
        copyChecked(negatives, "negative", hidden),
        hidden);
  }

  /**
   * Activations already reduced to one vector per example ({@code [examples][hidden]}, copied);
   * each row is treated as a one-token example, so any {@link TokenPosition} that fits one token
   * selects it.
   *
   * @throws IllegalArgumentException as for {@link #of(List, List)}
   */
  public static ContrastiveActivations ofVectors(float[][] positives, float[][] negatives) {
    checkNotNull(positives, "positives");
    checkNotNull(negatives, "negatives");
    return of(asOneTokenExamples(positives), asOneTokenExamples(negatives));
  }

  private static List<float[][]> asOneTokenExamples(float[][] rows) {
    List<float[][]> examples = new ArrayList<>(rows.length);
    for (float[] row : rows) {
      examples.add(new float[][] {row});
    }
    return examples;
  }

  private static List<float[][]> copyChecked(List<float[][]> examples, String label, int hidden) {
    List<float[][]> copy = new ArrayList<>(examples.size());
    for (int e = 0; e < examples.size(); e++) {
      float[][] example = examples.get(e);
      checkArgument(example != null, "%s example %s is null", label, e);
      checkArgument(example.length > 0, "%s example %s has no tokens; need at least one", label, e);
      float[][] rows = new float[example.length][];
      for (int t = 0; t < example.length; t++) {
        float[] row = example[t];
        checkArgument(row != null, "%s example %s token %s is null", label, e, t);
        checkArgument(
            row.length == hidden,
            "%s example %s token %s has hidden size %s; expected %s (the hidden size of positive"
                + " example 0)",
            label,
            e,
            t,
            row.length,
            hidden);
        for (int j = 0; j < hidden; j++) {
          if (!Float.isFinite(row[j])) {
            throw new IllegalArgumentException(
                String.format(
                    "%s example %d token %d component %d is %s; activations must be finite",
                    label, e, t, j, row[j]));
          }
        }
        rows[t] = row.clone();
      }
      copy.add(rows);
    }
    return List.copyOf(copy);
  }

  /** The number of positive examples. */
  public int positiveCount() {
    return positives.size();
  }

  /** The number of negative examples. */
  public int negativeCount() {
    return negatives.size();
  }

  /** The hidden size shared by every row. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /**
   * Whether there are as many positives as negatives, so that example {@code i} of each form a
   * pair.
   */
  public boolean isPaired() {
    return positives.size() == negatives.size();
  }

  /** A copy of positive example {@code i}, {@code [tokens][hidden]}. */
  public float[][] positive(int i) {
    return deepCopy(positives.get(checkElementIndex(i, positives.size(), "positive example")));
  }

  /** A copy of negative example {@code i}, {@code [tokens][hidden]}. */
  public float[][] negative(int i) {
    return deepCopy(negatives.get(checkElementIndex(i, negatives.size(), "negative example")));
  }

  /** The same activations with the roles of positives and negatives exchanged. */
  public ContrastiveActivations swapped() {
    return new ContrastiveActivations(negatives, positives, hiddenSize);
  }

  // Package-private views without copying, for the extraction methods; callers must not mutate
  // them.
  List<float[][]> positivesView() {
    return positives;
  }

  List<float[][]> negativesView() {
    return negatives;
  }

  private static float[][] deepCopy(float[][] m) {
    float[][] c = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  /** E.g. {@code ContrastiveActivations[positives=64, negatives=64, hidden=768]}. */
  @Override
  public String toString() {
    return "ContrastiveActivations[positives="
        + positives.size()
        + ", negatives="
        + negatives.size()
        + ", hidden="
        + hiddenSize
        + "]";
  }
}
