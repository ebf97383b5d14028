/**
 * Early-token steerability features (Fan et al., "When is your LLM steerable?") as pure mathematics on
 * hidden states the caller recorded, with a stable, named feature schema and CSV export.
 */
package dev.steer.metrics.features;
