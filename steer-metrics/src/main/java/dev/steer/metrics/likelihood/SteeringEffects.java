package dev.steer.metrics.likelihood;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The result of {@link LikelihoodEffects#evaluate}: mean effects over growing prefixes of the sorted
 * behaviour-matching and non-matching lists. Positive means steering worked. Immutable and thread-safe.
 */
public final class SteeringEffects {

  private final double[] fractions;
  private final double[] matching;
  private final double[] nonMatching;

  SteeringEffects(double[] fractions, double[] matching, double[] nonMatching) {
    this.fractions = fractions;
    this.matching = matching;
    this.nonMatching = nonMatching;
  }

  /** The prefix fractions, ascending (by default 0.25, 0.5, 0.75, 1). */
  public double[] fractions() {
    return fractions.clone();
  }

  /** Mean Δ_match over each prefix, aligned with {@link #fractions()}. */
  public double[] matching() {
    return matching.clone();
  }

  /** Mean Δ_non over each prefix, aligned with {@link #fractions()}. */
  public double[] nonMatching() {
    return nonMatching.clone();
  }

  /**
   * Mean Δ_match over the prefix of the given fraction.
   *
   * @throws IllegalArgumentException if {@code fraction} is not one of {@link #fractions()}
   */
  public double matchingAt(double fraction) {
    return matching[indexOf(fraction)];
  }

  /**
   * Mean Δ_non over the prefix of the given fraction.
   *
   * @throws IllegalArgumentException if {@code fraction} is not one of {@link #fractions()}
   */
  public double nonMatchingAt(double fraction) {
    return nonMatching[indexOf(fraction)];
  }

  private int indexOf(double fraction) {
    for (int i = 0; i < fractions.length; i++) {
      if (fractions[i] == fraction) {
        return i;
      }
    }
    checkArgument(false, "fraction %s was not evaluated; evaluated: %s", fraction, Arrays.toString(fractions));
    throw new AssertionError();
  }

  @Override
  public String toString() {
    return "SteeringEffects{fractions="
        + Arrays.toString(fractions)
        + ", matching="
        + Arrays.toString(matching)
        + ", nonMatching="
        + Arrays.toString(nonMatching)
        + "}";
  }
}
