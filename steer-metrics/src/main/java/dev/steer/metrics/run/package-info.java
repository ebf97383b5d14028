/**
 * Indicators computed by running a steerable model: per-step branching factor, NBF, KL and concept KL of
 * a steered decode against its unsteered teacher-forced replay ({@link
 * dev.steer.metrics.run.SteeringIndicators}), early-token steerability features ({@link
 * dev.steer.metrics.run.EarlyFeatures}) and likelihood-based effects ({@link
 * dev.steer.metrics.run.LikelihoodProbe}). Each call is one (prompt, plan) so a sweep runner can loop
 * over concepts, methods, strengths, layers and prompts.
 */
package dev.steer.metrics.run;
