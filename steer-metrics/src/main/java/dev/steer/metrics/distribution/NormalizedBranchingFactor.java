package dev.steer.metrics.distribution;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * Normalised branching factor (NBF) of a steered run against the unsteered run of the same concept
 * and method, as in Jafari et al.'s code:
 *
 * <pre>  NBF = mean BF at strength s / mean BF at strength 0</pre>
 *
 * <p>Inputs are raw branching factors (see {@link NextTokenStats#branchingFactor()}) as
 * {@code bf[sample][step]}; samples may have different lengths (early end of sequence). The
 * {@linkplain #aggregate() aggregate} ratio divides the means over every (sample, step) value; the
 * {@linkplain #perStep() per-step} ratio at step t divides the means over the samples that reached step
 * t, for t below the shorter of the two runs' longest samples. The raw means are kept alongside. Since
 * BF ≥ 1 the denominators are never 0. Immutable and thread-safe.
 */
public final class NormalizedBranchingFactor {

  private final double meanSteered;
  private final double meanBaseline;
  private final double[] meanSteeredPerStep;
  private final double[] meanBaselinePerStep;

  private NormalizedBranchingFactor(
      double meanSteered, double meanBaseline, double[] steeredPerStep, double[] baselinePerStep) {
    this.meanSteered = meanSteered;
    this.meanBaseline = meanBaseline;
    this.meanSteeredPerStep = steeredPerStep;
    this.meanBaselinePerStep = baselinePerStep;
  }

  /**
   * NBF of {@code steered[sample][step]} against {@code baseline[sample][step]} (strength 0).
   *
   * @throws IllegalArgumentException if either run holds no value, or a value is not finite or &lt; 1
   *     (a branching factor is exp of an entropy)
   */
  public static NormalizedBranchingFactor of(double[][] steered, double[][] baseline) {
    double[] steeredPerStep = perStepMeans(steered, "steered");
    double[] baselinePerStep = perStepMeans(baseline, "baseline");
    int steps = Math.min(steeredPerStep.length, baselinePerStep.length);
    return new NormalizedBranchingFactor(
        overallMean(steered),
        overallMean(baseline),
        Arrays.copyOf(steeredPerStep, steps),
        Arrays.copyOf(baselinePerStep, steps));
  }

  private static double[] perStepMeans(double[][] bf, String name) {
    checkNotNull(bf, name);
    int longest = 0;
    for (int s = 0; s < bf.length; s++) {
      checkNotNull(bf[s], "%s[%s]", name, s);
      for (int t = 0; t < bf[s].length; t++) {
        double x = bf[s][t];
        if (!(Double.isFinite(x) && x >= 1)) {
          throw new IllegalArgumentException(
              name + "[" + s + "][" + t + "] is " + x + "; a branching factor must be finite and >= 1");
        }
      }
      longest = Math.max(longest, bf[s].length);
    }
    checkArgument(longest > 0, "%s run holds no branching factor", name);
    double[] sums = new double[longest];
    int[] counts = new int[longest];
    for (double[] sample : bf) {
      for (int t = 0; t < sample.length; t++) {
        sums[t] += sample[t];
        counts[t]++;
      }
    }
    for (int t = 0; t < longest; t++) {
      sums[t] /= counts[t];
    }
    return sums;
  }

  private static double overallMean(double[][] bf) {
    double sum = 0;
    long n = 0;
    for (double[] sample : bf) {
      for (double x : sample) {
        sum += x;
        n++;
      }
    }
    return sum / n;
  }

  /** Mean BF over all steered values / mean BF over all baseline values. */
  public double aggregate() {
    return meanSteered / meanBaseline;
  }

  /** Per-step ratios, one per step both runs reached. */
  public double[] perStep() {
    double[] r = new double[meanSteeredPerStep.length];
    for (int t = 0; t < r.length; t++) {
      r[t] = meanSteeredPerStep[t] / meanBaselinePerStep[t];
    }
    return r;
  }

  /** Raw mean BF of the steered run over all values. */
  public double meanSteered() {
    return meanSteered;
  }

  /** Raw mean BF of the baseline (strength 0) run over all values. */
  public double meanBaseline() {
    return meanBaseline;
  }

  /** Raw per-step mean BF of the steered run (copy), same length as {@link #perStep()}. */
  public double[] meanSteeredPerStep() {
    return meanSteeredPerStep.clone();
  }

  /** Raw per-step mean BF of the baseline run (copy), same length as {@link #perStep()}. */
  public double[] meanBaselinePerStep() {
    return meanBaselinePerStep.clone();
  }
}
