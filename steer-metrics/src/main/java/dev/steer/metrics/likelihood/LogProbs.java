package dev.steer.metrics.likelihood;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Reductions of per-token log-probabilities ln p(token_t | context) of one continuation.
 *
 * <p>Each value must be ≤ 0 (a log-probability) or -Infinity (a token the model rules out); NaN,
 * +Infinity and positive values are rejected with their index.
 */
public final class LogProbs {

  private LogProbs() {}

  /**
   * ℓ = (1/T) Σ_t ln p(token_t), the mean log-probability of the T continuation tokens; -Infinity if
   * any token has probability 0.
   *
   * @throws IllegalArgumentException if there are no tokens or a value is not a log-probability
   */
  public static double mean(double[] tokenLogProbs) {
    checkNotNull(tokenLogProbs, "tokenLogProbs");
    checkArgument(tokenLogProbs.length > 0, "tokenLogProbs must not be empty: a continuation has >= 1 token");
    double sum = 0;
    for (int i = 0; i < tokenLogProbs.length; i++) {
      double x = tokenLogProbs[i];
      if (!(x <= 0)) { // NaN, +Infinity or positive
        throw new IllegalArgumentException(
            "tokenLogProbs[" + i + "] is " + x + "; a log-probability must be <= 0 or -Infinity");
      }
      sum += x;
    }
    return sum / tokenLogProbs.length;
  }

  /**
   * Perplexity exp(−ℓ) = exp(−(1/T) Σ_t ln p(token_t)), in [1, +∞]; +∞ if any token has probability 0.
   *
   * @throws IllegalArgumentException as {@link #mean(double[])}
   */
  public static double perplexity(double[] tokenLogProbs) {
    return Math.exp(-mean(tokenLogProbs));
  }
}
