package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

/**
 * Entropy and branching factor of the next-token distribution given by one logits row, computed in a
 * reusable workspace so that the per-step hot loop allocates nothing.
 *
 * <p>For logits x over a vocabulary of size V, p = softmax(x) and
 *
 * <ul>
 *   <li>{@link #entropy()} H = −Σ p_i ln p_i (nats);
 *   <li>{@link #topKEntropy()} H_k = −Σ q_i ln q_i over the k most likely tokens, renormalised:
 *       q = p_topk / Σ p_topk;
 *   <li>{@link #branchingFactor()} BF = exp(H_k) (Jafari et al.; k = 1000 by default). When k ≥ V
 *       every token is kept and BF = exp(H).
 * </ul>
 *
 * <p>One pass over the row computes the running maximum m, S = Σ e^{x_i − m} and
 * T = Σ e^{x_i − m}(x_i − m), rescaling both when m grows; then ln Σ e^{x_i} = m + ln S and
 * H = ln S − T/S, a sum of two non-negative terms (no cancellation, no overflow). The same pass feeds a
 * bounded heap with the top-k logits (O(V log k), no sort of the vocabulary); H_k is the same formula
 * over the heap. Tokens with logit −∞ (masked) have probability exactly 0 and are skipped; ties at the
 * k-th place keep the lower token index (the entropy does not depend on which tied token is kept). Both
 * entropies are clamped to [0, ln n] (n = tokens with p &gt; 0 that were kept) against rounding, so
 * 1 ≤ BF ≤ min(k, V).
 *
 * <p>Not thread-safe: results of the last {@link #measure} are held in the instance. Use one instance
 * per thread; scratch buffers grow to min(k, V) on first use and are then reused.
 */
public final class NextTokenStats {

  /** The paper's k: the 1000 most likely tokens. */
  public static final int DEFAULT_TOP_K = 1000;

  private final int topK;
  private final TopK heap = new TopK();

  private boolean measured;
  private int vocabularySize;
  private double logSumExp;
  private double entropy;
  private double topKEntropy;
  private double topKMass;
  private int topKOutcomes;

  /** A workspace with k = {@value #DEFAULT_TOP_K}. */
  public NextTokenStats() {
    this(DEFAULT_TOP_K);
  }

  /**
   * A workspace keeping the {@code topK} most likely tokens for the branching factor; any
   * {@code topK} ≥ V (e.g. {@link Integer#MAX_VALUE}) keeps all tokens.
   *
   * @throws IllegalArgumentException if {@code topK < 1}
   */
  public NextTokenStats(int topK) {
    checkArgument(topK >= 1, "topK must be >= 1: %s", topK);
    this.topK = topK;
  }

  /** The configured k. */
  public int topK() {
    return topK;
  }

  /**
   * Measures one logits row; the results are then read with the accessors until the next call.
   *
   * @return this workspace, for chaining
   * @throws IllegalArgumentException if {@code logits} is empty, holds NaN or +Infinity, or is all
   *     -Infinity; the previous results are then discarded
   */
  public NextTokenStats measure(float[] logits) {
    checkNotNull(logits, "logits");
    checkArgument(logits.length > 0, "logits must not be empty");
    measured = false;
    boolean truncate = topK < logits.length;
    if (truncate) {
      heap.reset(topK);
    }
    double max = Double.NEGATIVE_INFINITY;
    double s = 0;
    double t = 0;
    int support = 0;
    for (int i = 0; i < logits.length; i++) {
      double x = logits[i];
      if (x == Double.NEGATIVE_INFINITY) {
        continue;
      }
      LogSumExp.checkLogit(x, i, "logits");
      support++;
      if (x > max) {
        if (s > 0) {
          double shift = max - x; // < 0: old terms shrink by e^shift and their exponents move by shift
          double scale = Math.exp(shift);
          t = scale * (t + shift * s);
          s *= scale;
        }
        max = x;
      }
      double z = x - max;
      double e = Math.exp(z);
      s += e;
      t += e * z;
      if (truncate) {
        heap.offer(x, i);
      }
    }
    checkArgument(support > 0, "logits: every logit is -Infinity; no token is possible");
    vocabularySize = logits.length;
    logSumExp = max + Math.log(s);
    entropy = clampEntropy(Math.log(s) - t / s, support);
    if (truncate) {
      double sk = 0;
      double tk = 0;
      for (int j = 0; j < heap.size(); j++) {
        double z = heap.value(j) - max; // the global maximum is always among the top k
        double e = Math.exp(z);
        sk += e;
        tk += e * z;
      }
      topKEntropy = clampEntropy(Math.log(sk) - tk / sk, heap.size());
      topKMass = Math.min(1.0, sk / s);
      topKOutcomes = heap.size();
    } else {
      topKEntropy = entropy;
      topKMass = 1.0;
      topKOutcomes = support;
    }
    measured = true;
    return this;
  }

  private static double clampEntropy(double h, int outcomes) {
    return Math.min(Math.max(h, 0.0), Math.log(outcomes));
  }

  /** Entropy H of the full softmax, in nats. */
  public double entropy() {
    checkMeasured();
    return entropy;
  }

  /** Entropy H_k of the renormalised top-k distribution, in nats; equals {@link #entropy()} if k ≥ V. */
  public double topKEntropy() {
    checkMeasured();
    return topKEntropy;
  }

  /** Branching factor exp(H_k), in [1, min(k, V)]. */
  public double branchingFactor() {
    checkMeasured();
    // exp(ln n) can round to one ulp above n
    return Math.min(Math.exp(topKEntropy), topKOutcomes);
  }

  /** Σ p over the kept top-k tokens (1 if k ≥ V): how much probability the truncation dropped. */
  public double topKMass() {
    checkMeasured();
    return topKMass;
  }

  /** ln Σ exp(x_i), the log-partition of the last row. */
  public double logSumExp() {
    checkMeasured();
    return logSumExp;
  }

  /** V, the length of the last row measured. */
  public int vocabularySize() {
    checkMeasured();
    return vocabularySize;
  }

  private void checkMeasured() {
    checkState(measured, "no logits row measured yet (or the last one was rejected): call measure first");
  }
}
