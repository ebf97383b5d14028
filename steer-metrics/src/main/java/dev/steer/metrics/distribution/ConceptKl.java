package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;

/**
 * The concept KL of Jafari et al.: how far the logit lens of a residual row is from the logit lens of
 * the steering direction.
 *
 * <p>P_h = softmax(W_U·h) (no final norm), P_v = softmax(W_U·v̂) with v̂ = v/‖v‖, and
 *
 * <pre>  KL = Σ_{i ∈ top-k of P_h} P_h(i) (ln P_h(i) − ln P_v(i))</pre>
 *
 * <p>with k = 1000 by default (k ≥ V sums over every token and gives the full KL(P_h ‖ P_v)). Exactly as
 * in the paper, P_h is <em>not</em> renormalised over the top k: the sum is a truncation of the full KL,
 * so for k &lt; V it can be negative. Log-probabilities come from log-sum-exp. Tokens with P_h = 0
 * contribute 0; a kept token with P_h &gt; 0 and P_v = 0 (only possible through -Infinity logits) makes
 * the result +∞. Ties at the k-th place keep the lower token index.
 *
 * <p>An instance binds W_U and one vector (ln P_v computed once, in double) and measures residual rows
 * with {@link #measure}; it reuses O(V) scratch buffers, so it is not thread-safe. W_U is referenced,
 * not copied: do not modify it while the instance is in use.
 */
public final class ConceptKl {

  /** The paper's k. */
  public static final int DEFAULT_TOP_K = 1000;

  private final Unembedding unembedding;
  private final int topK;
  private final double[] vectorLogProbs;
  private final double[] residualLogits;
  private final TopK heap = new TopK();

  private ConceptKl(Unembedding unembedding, SteeringVector vector, int topK) {
    checkNotNull(vector, "vector");
    checkArgument(topK >= 1, "topK must be >= 1: %s", topK);
    checkArgument(
        vector.dimension() == unembedding.hiddenSize(),
        "steering vector has dimension %s; the unembedding's hidden size is %s",
        vector.dimension(),
        unembedding.hiddenSize());
    double norm = vector.norm();
    checkArgument(norm > 0, "steering vector is zero; its direction v/‖v‖ is undefined");
    this.unembedding = unembedding;
    this.topK = topK;
    this.vectorLogProbs = new double[unembedding.vocabularySize()];
    unembedding.project(vector.toArray(), 1.0 / norm, vectorLogProbs);
    double lse = LogSumExp.of(vectorLogProbs, "W_U·v̂");
    for (int i = 0; i < vectorLogProbs.length; i++) {
      vectorLogProbs[i] -= lse;
    }
    this.residualLogits = new double[unembedding.vocabularySize()];
  }

  /**
   * Binds a row-major unembedding {@code W_U[i·d + j]} (V × d) and a steering vector.
   *
   * @throws IllegalArgumentException if the sizes disagree, the vector is zero or topK &lt; 1
   */
  public static ConceptKl of(
      float[] unembedding, int vocabularySize, int hiddenSize, SteeringVector vector, int topK) {
    return new ConceptKl(Unembedding.flat(unembedding, vocabularySize, hiddenSize), vector, topK);
  }

  /**
   * Binds an unembedding given as V rows of length d and a steering vector.
   *
   * @throws IllegalArgumentException if the rows are ragged, sizes disagree, the vector is zero or
   *     topK &lt; 1
   */
  public static ConceptKl of(float[][] unembedding, SteeringVector vector, int topK) {
    return new ConceptKl(Unembedding.rows(unembedding), vector, topK);
  }

  /**
   * The concept KL of residual row {@code h} (length d) against the bound vector.
   *
   * @throws IllegalArgumentException if {@code h} has the wrong length or its logits are not finite
   */
  public double measure(float[] residual) {
    checkNotNull(residual, "residual");
    unembedding.project(residual, 1.0, residualLogits);
    return truncatedKl(residualLogits, vectorLogProbs, 0.0, topK, heap);
  }

  /**
   * The same sum from logits the caller already has: P_h = softmax(residualLogits), P_v =
   * softmax(vectorLogits) (which must already be the logits of the <em>unit</em> vector).
   *
   * @throws IllegalArgumentException if the rows differ in length, are empty, hold NaN or +Infinity,
   *     are all -Infinity, or topK &lt; 1
   */
  public static double fromLogits(float[] residualLogits, float[] vectorLogits, int topK) {
    checkNotNull(residualLogits, "residualLogits");
    checkNotNull(vectorLogits, "vectorLogits");
    checkArgument(topK >= 1, "topK must be >= 1: %s", topK);
    checkArgument(
        residualLogits.length == vectorLogits.length,
        "logits rows differ in length: residual %s vs vector %s",
        residualLogits.length,
        vectorLogits.length);
    double[] h = new double[residualLogits.length];
    double[] v = new double[vectorLogits.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = residualLogits[i];
      v[i] = vectorLogits[i];
    }
    double lseV = LogSumExp.of(v, "vectorLogits");
    return truncatedKl(h, v, lseV, topK, new TopK());
  }

  /** Σ over the top-k of softmax(h) of P_h (ln P_h − (v_i − lseV)). */
  private static double truncatedKl(double[] h, double[] v, double lseV, int topK, TopK heap) {
    double lseH = LogSumExp.of(h, "W_U·h");
    int k = Math.min(topK, h.length);
    heap.reset(k);
    for (int i = 0; i < h.length; i++) {
      if (h[i] != Double.NEGATIVE_INFINITY) {
        heap.offer(h[i], i);
      }
    }
    double kl = 0;
    for (int j = 0; j < heap.size(); j++) {
      int i = heap.index(j);
      double logP = heap.value(j) - lseH;
      double p = Math.exp(logP);
      double logQ = v[i] - lseV;
      if (logQ == Double.NEGATIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      if (p > 0) {
        kl += p * (logP - logQ);
      }
    }
    return kl;
  }

  /** The configured k. */
  public int topK() {
    return topK;
  }
}
