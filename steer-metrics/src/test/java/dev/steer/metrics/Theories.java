package dev.steer.metrics;

import java.util.Arrays;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * How this module's property tests run: QuickTheories, called from plain JUnit 5 {@code @Test}
 * methods, with a fixed seed so that every run checks the same cases.
 *
 * <p>A failing property reports its smallest falsifying case and ends with {@code Seed was N}. To
 * replay a run with another seed, or to explore new cases, pass {@code -Dsteer.qt.seed=N}.
 *
 * <p>QuickTheories skips a generated case equal to one it already checked, and its first cases
 * (every value at its shrink target, its minimum, its maximum) often coincide. A property over a
 * small space therefore asks for a few more cases than the distinct ones it means to check.
 */
public final class Theories {
  private Theories() {}

  /** The seed of every property in this module unless {@code steer.qt.seed} says otherwise. */
  public static final long SEED = Long.getLong("steer.qt.seed", 0x5_7EE7L);

  /** Enough shrinking to reach a readable case without letting a failure run for minutes. */
  private static final int SHRINK_CYCLES = 2_000;

  /** Draws a filtered generator may reject while making one case before the property gives up. */
  private static final int ATTEMPTS_PER_CASE = 1_000;

  /** A property checker over {@code cases} generated cases from the fixed {@link #SEED}. */
  public static QuickTheory qt(int cases) {
    return QuickTheory.qt()
        .withFixedSeed(SEED)
        .withExamples(cases)
        .withShrinkCycles(SHRINK_CYCLES)
        .withGenerateAttempts(ATTEMPTS_PER_CASE);
  }

  /** {@code gen} of arrays, printed by their contents when a property fails. */
  public static <T> Gen<T> readable(Gen<T> gen) {
    return gen.describedAs(
        value -> {
          String s = Arrays.deepToString(new Object[] {value});
          return s.substring(1, s.length() - 1);
        });
  }
}
