package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.testbed.Verdict;

/**
 * One finished run: its key, the judge's verdict (score = conceptScore × fluency), the tokens decoded,
 * the run-indicator summaries ({@link ResultsCsv#INDICATOR_COLUMNS}) and the early-token features
 * ({@link ResultsCsv#EARLY_COLUMNS}).
 */
record ResultRow(
    RunKey key,
    double conceptScore,
    double fluency,
    Verdict.Label label,
    int tokens,
    double[] indicators,
    double[] early) {

  ResultRow {
    checkNotNull(key, "key");
    checkNotNull(label, "label");
    checkArgument(indicators.length == ResultsCsv.INDICATOR_COLUMNS.size(),
        "%s indicator values, expected %s", indicators.length, ResultsCsv.INDICATOR_COLUMNS.size());
    checkArgument(early.length == ResultsCsv.EARLY_COLUMNS.size(),
        "%s early features, expected %s", early.length, ResultsCsv.EARLY_COLUMNS.size());
  }

  /** The regression target: concept score × fluency, in [0, 1]. */
  double judgeScore() {
    return conceptScore * fluency;
  }
}
