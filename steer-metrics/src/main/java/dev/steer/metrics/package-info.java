/**
 * Indicators of whether steering works: model-independent mathematics on plain arrays of logits,
 * log-probabilities and hidden states, its use on a running model, and predictors built on it.
 *
 * <ul>
 *   <li>{@link dev.steer.metrics.distribution}: next-token entropy and branching factor, distribution
 *       shift (KL, reverse KL, Jensen–Shannon), concept KL, normalised branching factor;
 *   <li>{@link dev.steer.metrics.summary}: per-run summary statistics (numpy/scipy conventions);
 *   <li>{@link dev.steer.metrics.likelihood}: likelihood-based steering effects and perplexity;
 *   <li>{@link dev.steer.metrics.features}: early-token steerability features with a stable schema;
 *   <li>{@link dev.steer.metrics.run}: the same indicators measured by running a steerable model;
 *   <li>{@link dev.steer.metrics.predict}: steerability classifier, judge-score regression, strength
 *       search.
 * </ul>
 */
package dev.steer.metrics;
