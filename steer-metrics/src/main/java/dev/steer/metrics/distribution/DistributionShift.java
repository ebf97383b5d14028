package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * How far steering moved the next-token distribution at one step: p_s = softmax(steered logits),
 * p_u = softmax(unsteered logits) for the same context.
 *
 * <ul>
 *   <li>{@code kl} = KL(p_s ‖ p_u) = Σ p_s,i (ln p_s,i − ln p_u,i);
 *   <li>{@code reverseKl} = KL(p_u ‖ p_s);
 *   <li>{@code jensenShannon} = ½ KL(p_s ‖ m) + ½ KL(p_u ‖ m), m = (p_s + p_u)/2, in [0, ln 2].
 * </ul>
 *
 * <p>All in nats, via log-softmax (ln p_i = x_i − ln Σ e^{x_j}). Conventions: a term with p_i = 0 is
 * exactly 0 (0 ln 0 = 0), including masked tokens (logit −∞). If a token has p_i &gt; 0 (finite logit)
 * but q_i = 0 (logit −∞ in the other row), KL(p ‖ q) = {@link Double#POSITIVE_INFINITY}; Jensen–Shannon
 * stays finite. KL is clamped at 0 and JS to [0, ln 2] against rounding. Never NaN for valid rows.
 *
 * @param kl KL(p_steered ‖ p_unsteered), nats, ≥ 0, possibly +∞
 * @param reverseKl KL(p_unsteered ‖ p_steered), nats, ≥ 0, possibly +∞
 * @param jensenShannon JS divergence, nats, in [0, ln 2]
 */
public record DistributionShift(double kl, double reverseKl, double jensenShannon) {

  private static final double LN2 = Math.log(2);

  /**
   * All three divergences between two logits rows of the same length, in two passes for the
   * log-partitions and one for the sums; allocates only the result.
   *
   * @throws IllegalArgumentException if the rows differ in length, are empty, hold NaN or +Infinity,
   *     or are all -Infinity
   */
  public static DistributionShift between(float[] steered, float[] unsteered) {
    return compute(steered, unsteered, "steered", "unsteered");
  }

  /** KL(softmax(p) ‖ softmax(q)) in nats, with the conventions above. */
  public static double kl(float[] p, float[] q) {
    return compute(p, q, "p", "q").kl();
  }

  /** Jensen–Shannon divergence of softmax(p) and softmax(q) in nats, symmetric, in [0, ln 2]. */
  public static double jensenShannon(float[] p, float[] q) {
    return compute(p, q, "p", "q").jensenShannon();
  }

  private static DistributionShift compute(float[] steered, float[] unsteered, String nameS, String nameU) {
    checkNotNull(steered, nameS);
    checkNotNull(unsteered, nameU);
    checkArgument(
        steered.length == unsteered.length,
        "logits rows differ in length: %s %s vs %s %s",
        nameS,
        steered.length,
        nameU,
        unsteered.length);
    double lseS = LogSumExp.of(steered, nameS);
    double lseU = LogSumExp.of(unsteered, nameU);
    double klSU = 0;
    double klUS = 0;
    double jsS = 0;
    double jsU = 0;
    for (int i = 0; i < steered.length; i++) {
      double ls = steered[i] - lseS; // -Infinity for masked tokens
      double lu = unsteered[i] - lseU;
      double ps = Math.exp(ls);
      double pu = Math.exp(lu);
      klSU += klTerm(ls, lu, ps);
      klUS += klTerm(lu, ls, pu);
      double lm = LogSumExp.add(ls, lu) - LN2;
      if (ps > 0) {
        jsS += ps * (ls - lm);
      }
      if (pu > 0) {
        jsU += pu * (lu - lm);
      }
    }
    return new DistributionShift(
        Math.max(klSU, 0.0), Math.max(klUS, 0.0), Math.min(Math.max(0.5 * (jsS + jsU), 0.0), LN2));
  }

  /** p (ln p − ln q) with 0 where p = 0 and +∞ where p &gt; 0 = q. */
  private static double klTerm(double logP, double logQ, double p) {
    if (logP == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY; // support of p not inside support of q
    }
    return p == 0 ? 0 : p * (logP - logQ);
  }
}
