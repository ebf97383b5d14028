package dev.steer.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Locale;

/**
 * Median, minimum and maximum of a set of repeated measurements (the median of an even count is the mean
 * of the two middle values). Immutable.
 */
record Spread(double median, double min, double max, int count) {

  /** The spread of {@code values}. */
  static Spread of(double[] values) {
    checkArgument(values.length > 0, "no values to summarise");
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Spread(median, s[0], s[n - 1], n);
  }

  /** The per-repetition ratios numerator[i] / denominator[i]. */
  static Spread ofRatios(double[] numerator, double[] denominator) {
    checkArgument(numerator.length == denominator.length, "%s numerators but %s denominators",
        numerator.length, denominator.length);
    double[] r = new double[numerator.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = numerator[i] / denominator[i];
    }
    return of(r);
  }

  /**
   * max(numerator) / max(denominator): the ratio of the best repetitions, which interference from other
   * processes (it only ever slows a run down) disturbs least.
   */
  static double bestRatio(double[] numerator, double[] denominator) {
    return of(numerator).max() / of(denominator).max();
  }

  /** {@code median [min, max]} with {@code digits} decimals. */
  String format(int digits) {
    String f = "%." + digits + "f";
    return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", median, min, max);
  }
}
