/**
 * Summary statistics of a run's per-step indicator values, with numpy/scipy default conventions so
 * that numbers match the papers' Python code.
 */
package dev.steer.metrics.summary;
