package dev.steer;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

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

  /**
   * Draws a filtered generator may reject while making one case. QuickTheories gives up the whole
   * property when one case exceeds it, and its first cases (every value at its minimum, then at its
   * maximum) replay forced values that a filter such as "non-zero row" rejects many times over.
   */
  private static final int ATTEMPTS_PER_CASE = 1_000;

  /** A property checker over {@code cases} generated cases from the fixed {@link #SEED}. */
  public static QuickTheory qt(int cases) {
    return QuickTheory.qt()
        .withFixedSeed(SEED)
        .withExamples(cases)
        .withShrinkCycles(SHRINK_CYCLES)
        .withGenerateAttempts(ATTEMPTS_PER_CASE);
  }

  /**
   * Doubles in [min, max]: uniform, with the ends and 0 (when in range) mixed in as edge cases, as
   * a bounded property parameter is most likely to fail there.
   */
  public static Gen<Double> doubles(double min, double max) {
    List<Double> edges = new ArrayList<>(List.of(min, max));
    if (min < 0 && max > 0) {
      edges.add(0.0);
    }
    return frequency(
        List.of(
            Pair.of(19, SourceDSL.doubles().between(min, max)), Pair.of(1, Generate.pick(edges))));
  }

  /** Picks one of {@code gens}, each as often as the others. */
  public static <T> Gen<T> oneOf(List<Gen<T>> gens) {
    return Generate.pick(gens).flatMap(g -> g);
  }

  /** Picks one of the generators with the given weights. */
  public static <T> Gen<T> frequency(List<Pair<Integer, Gen<T>>> weighted) {
    return Generate.frequency(weighted);
  }

  /** Arrays of {@code element}s with lengths from {@code lengths}. */
  public static Gen<float[]> floatArrays(Gen<Float> element, Gen<Integer> lengths) {
    return in -> {
      float[] a = new float[lengths.generate(in)];
      for (int i = 0; i < a.length; i++) {
        a[i] = element.generate(in);
      }
      return a;
    };
  }

  /** Arrays of {@code element}s of a fixed length. */
  public static Gen<float[]> floatArrays(Gen<Float> element, int length) {
    return floatArrays(element, Generate.constant(length));
  }

  /** Arrays of {@code element}s with lengths from {@code lengths}, created by {@code newArray}. */
  public static <T> Gen<T[]> arrays(
      Gen<T> element, Gen<Integer> lengths, IntFunction<T[]> newArray) {
    return in -> {
      T[] a = newArray.apply(lengths.generate(in));
      for (int i = 0; i < a.length; i++) {
        a[i] = element.generate(in);
      }
      return a;
    };
  }

  /** {@code gen}, printing its values with {@link #show} when a property fails. */
  public static <T> Gen<T> readable(Gen<T> gen) {
    return gen.describedAs(Theories::show);
  }

  /** Arrays by their contents and records by their components, recursively. */
  public static String show(Object value) {
    if (value == null) {
      return "null";
    }
    if (value.getClass().isArray()) {
      String s = Arrays.deepToString(new Object[] {value});
      return s.substring(1, s.length() - 1);
    }
    if (value instanceof Record) {
      StringBuilder s = new StringBuilder(value.getClass().getSimpleName()).append('[');
      RecordComponent[] components = value.getClass().getRecordComponents();
      for (int i = 0; i < components.length; i++) {
        try {
          components[i].getAccessor().setAccessible(true);
          s.append(i == 0 ? "" : ", ")
              .append(components[i].getName())
              .append('=')
              .append(show(components[i].getAccessor().invoke(value)));
        } catch (ReflectiveOperationException e) {
          s.append(components[i].getName()).append("=?");
        }
      }
      return s.append(']').toString();
    }
    return value.toString();
  }
}
