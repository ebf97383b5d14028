package dev.steer.extract;

import java.util.List;

/** Reduces each example's {@code [tokens][hidden]} matrix to one row at a {@link TokenPosition}. */
final class Pooling {

  private Pooling() {}

  /** The pooled rows of the positives and of the negatives, in double precision. */
  record Pooled(double[][] positives, double[][] negatives) {
    int hiddenSize() {
      return positives[0].length;
    }
  }

  static Pooled pool(ContrastiveActivations activations, TokenPosition position) {
    return new Pooled(
        poolAll(activations.positivesView(), position, "positive"),
        poolAll(activations.negativesView(), position, "negative"));
  }

  private static double[][] poolAll(
      List<float[][]> examples, TokenPosition position, String label) {
    double[][] rows = new double[examples.size()][];
    for (int e = 0; e < rows.length; e++) {
      rows[e] = pool(examples.get(e), position, label, e);
    }
    return rows;
  }

  /**
   * The row of one example at {@code position}.
   *
   * @throws IllegalArgumentException if the example has too few tokens for the position
   */
  static double[] pool(float[][] example, TokenPosition position, String label, int index) {
    int tokens = example.length;
    if (position instanceof TokenPosition.Offset offset) {
      int row = offset.rowIn(tokens);
      if (row < 0) {
        throw new IllegalArgumentException(
            String.format(
                "token position %s is out of range for %s example %d, which has %d token(s)",
                position.id(), label, index, tokens));
      }
      return widen(example[row]);
    }
    int from = ((TokenPosition.Mean) position).skipFirst() ? 1 : 0;
    if (tokens - from < 1) {
      throw new IllegalArgumentException(
          String.format(
              "token position %s needs at least 2 tokens but %s example %d has %d",
              position.id(), label, index, tokens));
    }
    double[] sum = new double[example[0].length];
    for (int t = from; t < tokens; t++) {
      for (int j = 0; j < sum.length; j++) {
        sum[j] += example[t][j];
      }
    }
    int count = tokens - from;
    for (int j = 0; j < sum.length; j++) {
      sum[j] /= count;
    }
    return sum;
  }

  private static double[] widen(float[] row) {
    double[] d = new double[row.length];
    for (int j = 0; j < d.length; j++) {
      d[j] = row[j];
    }
    return d;
  }
}
