package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A read-only view of W_U (V rows of length d), either row-major flat or as rows. Holds the caller's
 * arrays without copying: an unembedding is often gigabytes.
 */
final class Unembedding {

  private final float[] flat; // row-major V×d, or null
  private final float[][] rows; // V rows of d, or null
  private final int vocabularySize;
  private final int hiddenSize;

  private Unembedding(float[] flat, float[][] rows, int vocabularySize, int hiddenSize) {
    this.flat = flat;
    this.rows = rows;
    this.vocabularySize = vocabularySize;
    this.hiddenSize = hiddenSize;
  }

  static Unembedding flat(float[] weights, int vocabularySize, int hiddenSize) {
    checkNotNull(weights, "unembedding");
    checkArgument(vocabularySize > 0, "vocabularySize must be positive: %s", vocabularySize);
    checkArgument(hiddenSize > 0, "hiddenSize must be positive: %s", hiddenSize);
    checkArgument(
        (long) vocabularySize * hiddenSize == weights.length,
        "unembedding has %s values; expected vocabularySize × hiddenSize = %s × %s",
        weights.length,
        vocabularySize,
        hiddenSize);
    return new Unembedding(weights, null, vocabularySize, hiddenSize);
  }

  static Unembedding rows(float[][] weights) {
    checkNotNull(weights, "unembedding");
    checkArgument(weights.length > 0, "unembedding has no rows");
    checkNotNull(weights[0], "unembedding row 0");
    int d = weights[0].length;
    checkArgument(d > 0, "unembedding rows must not be empty");
    for (int i = 0; i < weights.length; i++) {
      checkNotNull(weights[i], "unembedding row %s", i);
      checkArgument(
          weights[i].length == d, "unembedding row %s has length %s; expected %s", i, weights[i].length, d);
    }
    return new Unembedding(null, weights, weights.length, d);
  }

  int vocabularySize() {
    return vocabularySize;
  }

  int hiddenSize() {
    return hiddenSize;
  }

  /** out[i] = scale · (W_U x)_i, accumulated in double. */
  void project(float[] x, double scale, double[] out) {
    checkArgument(
        x.length == hiddenSize, "hidden row has length %s; expected hidden size %s", x.length, hiddenSize);
    for (int i = 0; i < vocabularySize; i++) {
      double dot = 0;
      if (flat != null) {
        int base = i * hiddenSize;
        for (int j = 0; j < hiddenSize; j++) {
          dot += (double) flat[base + j] * x[j];
        }
      } else {
        float[] row = rows[i];
        for (int j = 0; j < hiddenSize; j++) {
          dot += (double) row[j] * x[j];
        }
      }
      out[i] = scale * dot;
    }
  }
}
