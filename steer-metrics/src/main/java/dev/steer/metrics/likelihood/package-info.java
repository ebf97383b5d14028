/**
 * Likelihood-based measures of steering: per-example mean log-probabilities, perplexity, the
 * normalised and sorted effects of Pres et al. (2024), and the contrastive effect size.
 */
package dev.steer.metrics.likelihood;
