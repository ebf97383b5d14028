package dev.steer.metrics.run;

import java.util.Locale;

/**
 * The per-step indicators of a {@link RunIndicators}, in a stable order usable as feature names. At step
 * t (0 = the last prompt token) s is the steered next-token logits row and r the unsteered model's row on
 * the same context (the teacher-forced replay of the steered tokens).
 */
public enum Indicator {
  /** H(softmax(s)), nats. */
  ENTROPY_STEERED,
  /** H(softmax(r)), nats. */
  ENTROPY_UNSTEERED,
  /** Branching factor exp(H_k) of s over its top k tokens, renormalised. */
  BF_STEERED,
  /** Branching factor of r. */
  BF_UNSTEERED,
  /** BF_STEERED / BF_UNSTEERED at the same step and context (1 when steering changes nothing). */
  NBF,
  /** KL(softmax(s) ‖ softmax(r)), nats. */
  KL,
  /** KL(softmax(r) ‖ softmax(s)), nats. */
  REVERSE_KL,
  /** Jensen–Shannon divergence of softmax(s) and softmax(r), nats. */
  JS,
  /** Concept KL of the residual at the concept hook point before the intervention. */
  CONCEPT_KL_BEFORE,
  /** Concept KL of the same residual after the intervention. */
  CONCEPT_KL_AFTER;

  /** Lower-case name for feature columns, e.g. {@code "concept_kl_after"}. */
  public String featureName() {
    return name().toLowerCase(Locale.ROOT);
  }

  boolean needsConcept() {
    return this == CONCEPT_KL_BEFORE || this == CONCEPT_KL_AFTER;
  }
}
