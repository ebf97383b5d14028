package dev.steer.metrics.summary;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Summary statistics of one run's values (e.g. concept KL at every step), as computed by
 * {@link Summaries#of(double[])}; see there for the exact conventions. Immutable.
 *
 * @param count number of values, ≥ 1
 * @param mean arithmetic mean
 * @param std population standard deviation (ddof = 0, numpy's default)
 * @param min smallest value
 * @param max largest value
 * @param median 50th percentile (linear interpolation)
 * @param q1 25th percentile (linear interpolation)
 * @param q3 75th percentile (linear interpolation)
 * @param iqr q3 − q1
 * @param skewness biased sample skewness g1 = m3 / m2^{3/2} (scipy's default); 0 for constant data
 * @param kurtosis Fisher excess kurtosis, biased: g2 = m4 / m2² − 3 (scipy's default); 0 for constant
 *     data
 */
public record RunSummary(
    int count,
    double mean,
    double std,
    double min,
    double max,
    double median,
    double q1,
    double q3,
    double iqr,
    double skewness,
    double kurtosis) {

  /** Checks the count. */
  public RunSummary {
    checkArgument(count >= 1, "count must be >= 1: %s", count);
  }

  /** The value of one statistic. */
  public double get(Statistic statistic) {
    checkNotNull(statistic, "statistic");
    return switch (statistic) {
      case MEAN -> mean;
      case STD -> std;
      case MIN -> min;
      case MAX -> max;
      case MEDIAN -> median;
      case Q1 -> q1;
      case Q3 -> q3;
      case IQR -> iqr;
      case SKEWNESS -> skewness;
      case KURTOSIS -> kurtosis;
    };
  }

  /**
   * This run's statistic divided by the same statistic of {@code baseline} (the strength-0 run), with
   * the conventions of {@link Summaries#ratio(double, double)}.
   */
  public double ratioTo(RunSummary baseline, Statistic statistic) {
    checkNotNull(baseline, "baseline");
    return Summaries.ratio(get(statistic), baseline.get(statistic));
  }
}
