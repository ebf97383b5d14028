package dev.steer.metrics.run;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.steer.metrics.summary.RunSummary;
import dev.steer.metrics.summary.Statistic;
import dev.steer.metrics.summary.Summaries;
import dev.steer.onnx.generate.Generation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The per-step {@link Indicator}s of one steered run, measured by {@link SteeringIndicators}: one value
 * per decoding step t (0 = the last prompt token, then one per generated token that was fed back), and
 * their {@link RunSummary summaries}. Concept KL values exist only when a {@link ConceptProbe} was given.
 * Immutable and thread-safe; arrays are copied on access.
 */
public final class RunIndicators {

  private final Generation generation;
  private final Map<Indicator, double[]> values;

  RunIndicators(Generation generation, Map<Indicator, double[]> values) {
    this.generation = generation;
    this.values = new EnumMap<>(values);
  }

  /** The steered generation that was measured, without its per-step logits. */
  public Generation generation() {
    return generation;
  }

  /** Number of steps measured (≥ 1). */
  public int steps() {
    return values.get(Indicator.KL).length;
  }

  /** True if this run holds {@code indicator} (concept KL only with a probe). */
  public boolean has(Indicator indicator) {
    return values.containsKey(checkNotNull(indicator, "indicator"));
  }

  /** The indicators this run holds, in enum order. */
  public List<Indicator> indicators() {
    return ImmutableList.copyOf(values.keySet());
  }

  /**
   * The value of {@code indicator} at every step (a copy).
   *
   * @throws IllegalArgumentException if the run does not hold it
   */
  public double[] values(Indicator indicator) {
    return checkHas(indicator).clone();
  }

  /**
   * Summary statistics of {@code indicator} over the steps.
   *
   * @throws IllegalArgumentException if the run does not hold it or a value is infinite (a KL is +∞
   *     only where a token possible under one distribution is masked with −∞ in the other)
   */
  public RunSummary summary(Indicator indicator) {
    return Summaries.of(checkHas(indicator));
  }

  /**
   * The run-level NBF of this run alone: mean BF steered / mean BF unsteered over the same contexts.
   * For the paper's ratio against a separate strength-0 run use {@link
   * SteeringIndicators#normalizedBranchingFactor}.
   */
  public double meanNbf() {
    return mean(values.get(Indicator.BF_STEERED)) / mean(values.get(Indicator.BF_UNSTEERED));
  }

  /**
   * Names of {@link #summaryFeatures}: for every indicator in {@code indicators} and every {@link
   * Statistic}, {@code {indicator}_{statistic}} (e.g. {@code kl_median}), and with {@code withRatios} the
   * same names suffixed {@code _ratio} after all of them.
   */
  public static List<String> summaryFeatureNames(List<Indicator> indicators, boolean withRatios) {
    checkNotNull(indicators, "indicators");
    List<String> names = new ArrayList<>();
    for (Indicator i : indicators) {
      for (Statistic s : Statistic.values()) {
        names.add(i.featureName() + "_" + s.featureName());
      }
    }
    if (withRatios) {
      int n = names.size();
      for (int j = 0; j < n; j++) {
        names.add(names.get(j) + "_ratio");
      }
    }
    return ImmutableList.copyOf(names);
  }

  /**
   * Jafari et al.'s regression features: the summary statistics of each of {@code indicators}, then, if
   * {@code baseline} (the strength-0 run of the same concept and method) is not null, each statistic
   * divided by the baseline's ({@link RunSummary#ratioTo}). Column order as {@link
   * #summaryFeatureNames}.
   *
   * @throws IllegalArgumentException if this run or the baseline lacks an indicator or holds an
   *     infinite value
   */
  public double[] summaryFeatures(List<Indicator> indicators, RunIndicators baseline) {
    checkNotNull(indicators, "indicators");
    List<Double> out = new ArrayList<>();
    List<RunSummary> mine = new ArrayList<>();
    for (Indicator i : indicators) {
      RunSummary s = summary(i);
      mine.add(s);
      for (Statistic st : Statistic.values()) {
        out.add(s.get(st));
      }
    }
    if (baseline != null) {
      for (int j = 0; j < indicators.size(); j++) {
        RunSummary base = baseline.summary(indicators.get(j));
        for (Statistic st : Statistic.values()) {
          out.add(mine.get(j).ratioTo(base, st));
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private double[] checkHas(Indicator indicator) {
    checkNotNull(indicator, "indicator");
    double[] v = values.get(indicator);
    checkArgument(
        v != null,
        "this run holds no %s; measure with a ConceptProbe for concept KL (held: %s)",
        indicator,
        values.keySet());
    return v;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  @Override
  public String toString() {
    return "RunIndicators[" + steps() + " steps, " + values.keySet() + "]";
  }
}
