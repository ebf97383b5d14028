package dev.steer.metrics.summary;

import java.util.Locale;

/** The statistics in a {@link RunSummary}, in a stable order usable as feature names. */
public enum Statistic {
  MEAN,
  STD,
  MIN,
  MAX,
  MEDIAN,
  Q1,
  Q3,
  IQR,
  SKEWNESS,
  KURTOSIS;

  /** Lower-case name for feature columns, e.g. {@code "median"}. */
  public String featureName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
