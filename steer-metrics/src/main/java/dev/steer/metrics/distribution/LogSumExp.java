package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/** Validated, overflow-free log-sum-exp and log-add-exp in double precision. */
final class LogSumExp {

  private LogSumExp() {}

  /**
   * ln Σ exp(x_i) = m + ln Σ exp(x_i − m) with m = max x_i, skipping {@code -Infinity} entries.
   *
   * @throws IllegalArgumentException if a logit is NaN or +Infinity, or every logit is -Infinity
   */
  static double of(float[] logits, String name) {
    double max = maxFinite(logits, name);
    double sum = 0;
    for (float x : logits) {
      if (x != Float.NEGATIVE_INFINITY) {
        sum += Math.exp(x - max);
      }
    }
    return max + Math.log(sum);
  }

  /** Same as {@link #of(float[], String)} for double logits. */
  static double of(double[] logits, String name) {
    double max = maxFinite(logits, name);
    double sum = 0;
    for (double x : logits) {
      if (x != Double.NEGATIVE_INFINITY) {
        sum += Math.exp(x - max);
      }
    }
    return max + Math.log(sum);
  }

  /** ln(e^a + e^b), exact when either side is -Infinity. */
  static double add(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    return max + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  private static double maxFinite(float[] logits, String name) {
    checkNotNull(logits, name);
    checkArgument(logits.length > 0, "%s must not be empty", name);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      max = Math.max(max, checkLogit(logits[i], i, name));
    }
    checkArgument(max > Double.NEGATIVE_INFINITY, "%s: every logit is -Infinity; no token is possible", name);
    return max;
  }

  private static double maxFinite(double[] logits, String name) {
    checkNotNull(logits, name);
    checkArgument(logits.length > 0, "%s must not be empty", name);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      max = Math.max(max, checkLogit(logits[i], i, name));
    }
    checkArgument(max > Double.NEGATIVE_INFINITY, "%s: every logit is -Infinity; no token is possible", name);
    return max;
  }

  /** Returns {@code x} if it is finite or -Infinity. */
  static double checkLogit(double x, int index, String name) {
    if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          name + "[" + index + "] is " + x + "; logits must be finite or -Infinity (masked)");
    }
    return x;
  }
}
