/**
 * The steerability experiment of the metrics issue, reproduced on the testbed model: a resumable sweep
 * over concepts × extraction methods × intervention kinds × strengths × layers × prompts that records
 * each run's judge verdict, run indicators (NBF, KL) and early-token features in a CSV ({@link
 * dev.steer.examples.experiment.SteerabilityExperiment}), and the analysis of that CSV ({@link
 * dev.steer.examples.experiment.ExperimentAnalysis}).
 */
package dev.steer.examples.experiment;
