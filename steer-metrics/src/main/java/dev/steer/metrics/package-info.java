/**
 * Model-independent indicators of whether steering works, computed from plain arrays of logits,
 * log-probabilities and hidden states.
 *
 * <ul>
 *   <li>{@link dev.steer.metrics.distribution}: next-token entropy and branching factor, distribution
 *       shift (KL, reverse KL, Jensen–Shannon), concept KL, normalised branching factor;
 *   <li>{@link dev.steer.metrics.summary}: per-run summary statistics (numpy/scipy conventions);
 *   <li>{@link dev.steer.metrics.likelihood}: likelihood-based steering effects and perplexity;
 *   <li>{@link dev.steer.metrics.features}: early-token steerability features with a stable schema.
 * </ul>
 */
package dev.steer.metrics;
