package dev.steer.metrics.features;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import java.util.Arrays;
import java.util.List;

/**
 * Computes Fan et al.'s early-token steerability features from hidden states the caller recorded.
 *
 * <p>Inputs, indexed {@code [i][j]} by the i-th step and j-th layer offset of the {@link FeatureSchema}:
 * s = the steered decode's residual row, r = the unsteered teacher-forced replay of the same tokens,
 * and per step u = h_after − h_before, what the intervention added at the steered layer L. Then
 *
 * <ul>
 *   <li>magdiff = ‖s − r‖; cossim = cos(s, r); steeralign = cos(s − r, u) (offsets ≠ 0);
 *       steerproj = cos(s, u), h being the <em>steered</em> row s;
 *   <li>magdiff_ratio(t) = magdiff(t)/magdiff(0); cossim_delta(t) = cossim(t) − cossim(0);
 *       steeralign_delta(t) = steeralign(t) − steeralign(0), for t ≠ 0;
 *   <li>per matrix: global mean/std/max/min and per-row and per-column mean/std/max, std being the
 *       population std (ddof = 0, numpy's default);
 *   <li>vector_norm = ‖v‖ and alpha = α.
 * </ul>
 *
 * <p>Conventions (never NaN): cos(a, b) = a·b/(‖a‖‖b‖), clamped to [−1, 1] against rounding, is
 * defined as 0 when a or b is the zero vector (e.g. s = r, or u = 0 at strength 0). magdiff_ratio is 1 when magdiff(0) = magdiff(t) = 0 and +∞ when
 * only magdiff(0) = 0; a matrix holding +∞ has mean, max and std +∞. Sums are in double. Stateless
 * and thread-safe.
 */
public final class SteerabilityFeatures {

  private SteerabilityFeatures() {}

  /**
   * Features with one intervention delta u per step ({@code steerDelta[i]} at step i).
   *
   * @param steered s, {@code [steps][offsets][d]}
   * @param replay r, same shape
   * @param steerDelta u per step, {@code [steps][d]}
   * @param vectorNorm ‖v‖, finite and ≥ 0
   * @param alpha steering strength α, finite
   * @throws IllegalArgumentException if a shape disagrees with the schema or the hidden size, a row
   *     holds a non-finite value, or vectorNorm/alpha are invalid
   */
  public static FeatureVector compute(
      FeatureSchema schema,
      float[][][] steered,
      float[][][] replay,
      float[][] steerDelta,
      double vectorNorm,
      double alpha) {
    checkNotNull(schema, "schema");
    checkArgument(
        schema.extraColumns().isEmpty(),
        "the schema has extra columns %s; compute the base schema's features and append their values",
        schema.extraColumns());
    checkArgument(
        Double.isFinite(vectorNorm) && vectorNorm >= 0, "vectorNorm must be finite and >= 0: %s", vectorNorm);
    checkArgument(Double.isFinite(alpha), "alpha must be finite: %s", alpha);
    int steps = schema.steps().size();
    int offsets = schema.layerOffsets().size();
    int d = hiddenSize(steered, steps, offsets);
    checkShape(steered, "steered", steps, offsets, d);
    checkShape(replay, "replay", steps, offsets, d);
    checkNotNull(steerDelta, "steerDelta");
    checkArgument(
        steerDelta.length == steps, "steerDelta has %s rows; the schema has %s steps", steerDelta.length, steps);
    for (int i = 0; i < steps; i++) {
      checkNotNull(steerDelta[i], "steerDelta[%s]", i);
      checkArgument(
          steerDelta[i].length == d, "steerDelta[%s] has length %s; expected %s", i, steerDelta[i].length, d);
    }

    double[][] magdiff = new double[steps][offsets];
    double[][] cossim = new double[steps][offsets];
    double[][] steeralign = new double[steps][offsets];
    double[][] steerproj = new double[steps][offsets];
    for (int i = 0; i < steps; i++) {
      for (int j = 0; j < offsets; j++) {
        float[] s = steered[i][j];
        float[] r = replay[i][j];
        float[] u = steerDelta[i];
        double ss = 0, rr = 0, sr = 0, dd = 0, du = 0, uu = 0, su = 0;
        for (int k = 0; k < d; k++) {
          double sk = s[k];
          double rk = r[k];
          double uk = u[k];
          double dk = sk - rk;
          ss += sk * sk;
          rr += rk * rk;
          sr += sk * rk;
          dd += dk * dk;
          du += dk * uk;
          uu += uk * uk;
          su += sk * uk;
        }
        if (!Double.isFinite(ss + rr + dd + uu)) {
          throw new IllegalArgumentException(
              "steered/replay/steerDelta at step index " + i + ", offset index " + j
                  + " hold a non-finite value (or overflow)");
        }
        magdiff[i][j] = Math.sqrt(dd);
        cossim[i][j] = cosine(sr, ss, rr);
        steeralign[i][j] = cosine(du, dd, uu);
        steerproj[i][j] = cosine(su, ss, uu);
      }
    }

    double[] out = new double[schema.size()];
    int pos = 0;
    for (Block block : schema.blocks()) {
      double[][] m = cells(block, schema, magdiff, cossim, steeralign, steerproj);
      pos = writeBlock(m, out, pos);
    }
    out[pos++] = vectorNorm;
    out[pos++] = alpha;
    checkArgument(pos == out.length, "internal: wrote %s of %s features", pos, out.length);
    return FeatureVector.of(schema, out);
  }

  /** Features with the same intervention delta u at every step (e.g. additive steering, u = α·v). */
  public static FeatureVector compute(
      FeatureSchema schema,
      float[][][] steered,
      float[][][] replay,
      float[] steerDelta,
      double vectorNorm,
      double alpha) {
    checkNotNull(schema, "schema");
    checkNotNull(steerDelta, "steerDelta");
    float[][] perStep = new float[schema.steps().size()][];
    Arrays.fill(perStep, steerDelta);
    return compute(schema, steered, replay, perStep, vectorNorm, alpha);
  }

  /**
   * Features of an additive intervention h + α·v: u = α·v at every step, vector_norm = ‖v‖.
   *
   * @throws IllegalArgumentException as the general form, or if v's dimension is not the hidden size
   */
  public static FeatureVector forAdditive(
      FeatureSchema schema, float[][][] steered, float[][][] replay, SteeringVector vector, double alpha) {
    checkNotNull(vector, "vector");
    checkArgument(Double.isFinite(alpha), "alpha must be finite: %s", alpha);
    float[] v = vector.toArray();
    float[] u = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      u[k] = (float) (alpha * v[k]);
    }
    return compute(schema, steered, replay, u, vector.norm(), alpha);
  }

  /** a·b/(‖a‖‖b‖) from the dot products; 0 when either vector is zero. */
  static double cosine(double ab, double aa, double bb) {
    double n = Math.sqrt(aa) * Math.sqrt(bb);
    if (n == 0) {
      return 0;
    }
    return Math.max(-1.0, Math.min(1.0, ab / n));
  }

  /** The matrix of one block, rows = block steps, columns = block offsets. */
  private static double[][] cells(
      Block block,
      FeatureSchema schema,
      double[][] magdiff,
      double[][] cossim,
      double[][] steeralign,
      double[][] steerproj) {
    List<Integer> steps = block.steps();
    List<Integer> offsets = block.offsets();
    double[][] m = new double[steps.size()][offsets.size()];
    for (int a = 0; a < steps.size(); a++) {
      int i = schema.steps().indexOf(steps.get(a));
      for (int b = 0; b < offsets.size(); b++) {
        int j = schema.layerOffsets().indexOf(offsets.get(b));
        m[a][b] =
            switch (block.matrix()) {
              case MAGDIFF -> magdiff[i][j];
              case COSSIM -> cossim[i][j];
              case STEERALIGN -> steeralign[i][j];
              case STEERPROJ -> steerproj[i][j];
              case MAGDIFF_RATIO -> ratio(magdiff[i][j], magdiff[0][j]);
              case COSSIM_DELTA -> cossim[i][j] - cossim[0][j];
              case STEERALIGN_DELTA -> steeralign[i][j] - steeralign[0][j];
            };
      }
    }
    return m;
  }

  private static double ratio(double value, double base) {
    if (base == 0) {
      return value == 0 ? 1.0 : Double.POSITIVE_INFINITY;
    }
    return value / base;
  }

  /** Cells row-major, global mean/std/max/min, per-row mean/std/max, per-column mean/std/max. */
  private static int writeBlock(double[][] m, double[] out, int pos) {
    int rows = m.length;
    int cols = m[0].length;
    double[] all = new double[rows * cols];
    for (int a = 0; a < rows; a++) {
      for (int b = 0; b < cols; b++) {
        out[pos++] = m[a][b];
        all[a * cols + b] = m[a][b];
      }
    }
    pos = writeStats(all, out, pos, true);
    for (int a = 0; a < rows; a++) {
      pos = writeStats(m[a].clone(), out, pos, false);
    }
    for (int b = 0; b < cols; b++) {
      double[] column = new double[rows];
      for (int a = 0; a < rows; a++) {
        column[a] = m[a][b];
      }
      pos = writeStats(column, out, pos, false);
    }
    return pos;
  }

  /** mean, population std, max (and min if asked); an infinite mean gives std +∞ instead of NaN. */
  private static int writeStats(double[] x, double[] out, int pos, boolean withMin) {
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    for (double v : x) {
      sum += v;
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    double mean = sum / x.length;
    double std;
    if (Double.isInfinite(mean)) {
      std = Double.POSITIVE_INFINITY;
    } else {
      double ss = 0;
      for (double v : x) {
        ss += (v - mean) * (v - mean);
      }
      std = Math.sqrt(ss / x.length);
    }
    out[pos++] = mean;
    out[pos++] = std;
    out[pos++] = max;
    if (withMin) {
      out[pos++] = min;
    }
    return pos;
  }

  private static int hiddenSize(float[][][] steered, int steps, int offsets) {
    checkNotNull(steered, "steered");
    checkArgument(steered.length == steps, "steered has %s steps; the schema has %s", steered.length, steps);
    checkNotNull(steered[0], "steered[0]");
    checkArgument(
        steered[0].length == offsets, "steered[0] has %s layers; the schema has %s offsets", steered[0].length, offsets);
    checkNotNull(steered[0][0], "steered[0][0]");
    checkArgument(steered[0][0].length > 0, "hidden rows must not be empty");
    return steered[0][0].length;
  }

  private static void checkShape(float[][][] x, String name, int steps, int offsets, int d) {
    checkNotNull(x, name);
    checkArgument(x.length == steps, "%s has %s steps; the schema has %s", name, x.length, steps);
    for (int i = 0; i < steps; i++) {
      checkNotNull(x[i], "%s[%s]", name, i);
      checkArgument(
          x[i].length == offsets, "%s[%s] has %s layers; the schema has %s offsets", name, i, x[i].length, offsets);
      for (int j = 0; j < offsets; j++) {
        checkNotNull(x[i][j], "%s[%s][%s]", name, i, j);
        checkArgument(
            x[i][j].length == d, "%s[%s][%s] has length %s; expected hidden size %s", name, i, j, x[i][j].length, d);
      }
    }
  }
}
