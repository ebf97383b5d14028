package dev.steer.metrics.predict;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * How a predictor is trained: the hyper-parameter grid, the fraction of examples held out to choose
 * among it (stratified by class for the classifier), the seed of that split and of XGBoost, and
 * XGBoost's thread count (1 makes training bit-for-bit reproducible). The chosen configuration is then
 * retrained on all examples. Immutable.
 *
 * @param grid configurations to try, at least one
 * @param validationFraction held-out fraction, in (0, 0.5]
 * @param seed split and booster seed
 * @param threads XGBoost threads, ≥ 1
 */
public record TrainingOptions(List<HyperParameters> grid, double validationFraction, long seed, int threads) {

  /** Validates and copies. */
  public TrainingOptions {
    grid = List.copyOf(checkNotNull(grid, "grid"));
    checkArgument(!grid.isEmpty(), "the hyper-parameter grid is empty");
    checkArgument(
        validationFraction > 0 && validationFraction <= 0.5,
        "validationFraction must be in (0, 0.5]: %s",
        validationFraction);
    checkArgument(threads >= 1, "threads must be >= 1: %s", threads);
  }

  /** The default tree grid, 25 % validation, seed 0, one thread. */
  public static TrainingOptions classifierDefaults() {
    return new TrainingOptions(HyperParameters.defaultTreeGrid(), 0.25, 0, 1);
  }

  /** The default regression grid (trees and linear), 25 % validation, seed 0, one thread. */
  public static TrainingOptions regressorDefaults() {
    return new TrainingOptions(HyperParameters.defaultRegressionGrid(), 0.25, 0, 1);
  }
}
