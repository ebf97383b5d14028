package dev.steer.metrics.predict;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * One XGBoost configuration tried by the validation grid: boosting rounds, learning rate η, and for tree
 * boosters the maximum depth; {@code linear} selects XGBoost's linear booster ({@code gblinear}, L2
 * penalty λ = {@code lambda}), for which the depth is ignored. Immutable.
 *
 * @param linear true for {@code gblinear}, false for gradient-boosted trees ({@code gbtree}, hist)
 * @param maxDepth maximum tree depth, 1..16
 * @param eta learning rate, in (0, 1]
 * @param rounds boosting rounds, 1..10,000
 * @param lambda L2 regularisation of leaf weights (trees) or coefficients (linear), ≥ 0
 */
public record HyperParameters(boolean linear, int maxDepth, double eta, int rounds, double lambda) {

  /** Checks the ranges. */
  public HyperParameters {
    checkArgument(maxDepth >= 1 && maxDepth <= 16, "maxDepth must be in 1..16: %s", maxDepth);
    checkArgument(eta > 0 && eta <= 1, "eta must be in (0, 1]: %s", eta);
    checkArgument(rounds >= 1 && rounds <= 10_000, "rounds must be in 1..10000: %s", rounds);
    checkArgument(lambda >= 0 && Double.isFinite(lambda), "lambda must be finite and >= 0: %s", lambda);
  }

  /** Gradient-boosted trees with λ = 1 (XGBoost's default). */
  public static HyperParameters trees(int maxDepth, double eta, int rounds) {
    return new HyperParameters(false, maxDepth, eta, rounds, 1.0);
  }

  /** XGBoost's linear booster with λ = 0. */
  public static HyperParameters linear(double eta, int rounds) {
    return new HyperParameters(true, 1, eta, rounds, 0.0);
  }

  /** Trees of depth {2, 4, 6} × η {0.1, 0.3} × rounds {50, 200}: 12 configurations. */
  public static List<HyperParameters> defaultTreeGrid() {
    List<HyperParameters> grid = new ArrayList<>();
    for (int depth : new int[] {2, 4, 6}) {
      for (double eta : new double[] {0.1, 0.3}) {
        for (int rounds : new int[] {50, 200}) {
          grid.add(trees(depth, eta, rounds));
        }
      }
    }
    return List.copyOf(grid);
  }

  /** {@link #defaultTreeGrid()} plus the linear booster at η 0.5 for 200 rounds. */
  public static List<HyperParameters> defaultRegressionGrid() {
    List<HyperParameters> grid = new ArrayList<>(defaultTreeGrid());
    grid.add(linear(0.5, 200));
    return List.copyOf(grid);
  }
}
