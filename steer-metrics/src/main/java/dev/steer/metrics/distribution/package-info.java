/**
 * Indicators over next-token distributions given as logits rows ({@code float[V]}).
 *
 * <p>Every computation works in log space through log-sum-exp, so underflow, masked tokens
 * ({@code -Infinity} logits), all-equal rows and huge logits (1e30) give exact zeros rather than NaN.
 * Logits that are NaN or {@code +Infinity} are rejected with the offending index.
 */
package dev.steer.metrics.distribution;
