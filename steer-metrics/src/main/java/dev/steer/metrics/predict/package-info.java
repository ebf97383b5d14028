/**
 * Predicting steering outcomes: a gradient-boosted steerability classifier on early-token features
 * ({@link dev.steer.metrics.predict.SteerabilityClassifier}), a regression of judge scores on run-level
 * indicator summaries ({@link dev.steer.metrics.predict.JudgeScoreRegressor}), and the strength search
 * that decodes candidates in order of predicted success ({@link dev.steer.metrics.predict.StrengthSearch}).
 * Backed by XGBoost4J (Apache-2.0).
 */
package dev.steer.metrics.predict;
