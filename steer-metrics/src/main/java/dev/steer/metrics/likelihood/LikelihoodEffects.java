package dev.steer.metrics.likelihood;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Likelihood-based steering effects (Pres et al. 2024) and the contrastive effect size.
 *
 * <p>Per example ℓ is the mean log-probability of its continuation ({@link LogProbs#mean}), once
 * steered and once unsteered (control). Scores are normalised ℓ̃ = ℓ / (−max ℓ), so the best score of
 * the set becomes −1 (its maximum must be &lt; 0). The paper says "each set"; {@link #evaluate} takes
 * the set to be all scores of one evaluation (one behaviour's dataset: control and steered, matching and
 * non-matching), so that all four lists share one scale. Normalising steered and control scores by
 * different maxima would hide a uniform change in likelihood, which is what Δ must show; this keeps
 * behaviours comparable (the purpose of the normalisation) without that loss. For another grouping,
 * call {@link #normalise} per group and then {@link #evaluateNormalised}.
 *
 * <p>Behaviour-matching examples are sorted ascending by control score (least likely first),
 * non-matching ones descending (most likely first); ties keep input order. Then
 * Δ_match = ℓ̃_steer − ℓ̃_ctrl and Δ_non = ℓ̃_ctrl − ℓ̃_steer, and the result holds the mean Δ over the
 * first ⌈f·n⌉ examples of each sorted list for each fraction f (0.25, 0.5, 0.75, 1 by default; at least
 * one example). Positive means steering raised matching and lowered non-matching continuations.
 */
public final class LikelihoodEffects {

  private static final double[] DEFAULT_FRACTIONS = {0.25, 0.5, 0.75, 1.0};

  private LikelihoodEffects() {}

  /**
   * ℓ̃_i = ℓ_i / (−max_j ℓ_j) for every score of the set.
   *
   * @throws IllegalArgumentException if the set is empty, a score is not finite or is positive, or the
   *     maximum is 0 (the normaliser would be 0)
   */
  public static double[] normalise(double[] scores) {
    checkScores(scores, "scores");
    double max = Double.NEGATIVE_INFINITY;
    for (double x : scores) {
      max = Math.max(max, x);
    }
    checkArgument(
        max < 0,
        "the best score of the set is %s; normalising by -max needs a negative maximum",
        max);
    double[] out = new double[scores.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores[i] / -max;
    }
    return out;
  }

  /**
   * Normalises all four lists by −max over all of them, then evaluates at fractions 0.25, 0.5, 0.75, 1.
   *
   * @param controlMatching unsteered ℓ of the behaviour-matching continuations
   * @param steeredMatching steered ℓ of the same continuations, same order
   * @param controlNonMatching unsteered ℓ of the non-matching continuations
   * @param steeredNonMatching steered ℓ of the same, same order
   * @throws IllegalArgumentException if paired lists differ in length or are empty, a score is not
   *     finite or is positive, or the best score is 0
   */
  public static SteeringEffects evaluate(
      double[] controlMatching,
      double[] steeredMatching,
      double[] controlNonMatching,
      double[] steeredNonMatching) {
    checkPaired(controlMatching, steeredMatching, "matching");
    checkPaired(controlNonMatching, steeredNonMatching, "non-matching");
    int m = controlMatching.length;
    int n = controlNonMatching.length;
    double[] all = new double[2 * (m + n)];
    System.arraycopy(controlMatching, 0, all, 0, m);
    System.arraycopy(steeredMatching, 0, all, m, m);
    System.arraycopy(controlNonMatching, 0, all, 2 * m, n);
    System.arraycopy(steeredNonMatching, 0, all, 2 * m + n, n);
    double[] normalised = normalise(all);
    return evaluateNormalised(
        Arrays.copyOfRange(normalised, 0, m),
        Arrays.copyOfRange(normalised, m, 2 * m),
        Arrays.copyOfRange(normalised, 2 * m, 2 * m + n),
        Arrays.copyOfRange(normalised, 2 * m + n, 2 * (m + n)),
        DEFAULT_FRACTIONS);
  }

  /**
   * Sorts and averages scores that are already normalised (or used raw on purpose).
   *
   * @param fractions prefix fractions in (0, 1], strictly ascending
   * @throws IllegalArgumentException if paired lists differ in length, a list is empty, a score is not
   *     finite or is positive, or the fractions are not strictly ascending in (0, 1]
   */
  public static SteeringEffects evaluateNormalised(
      double[] controlMatching,
      double[] steeredMatching,
      double[] controlNonMatching,
      double[] steeredNonMatching,
      double[] fractions) {
    checkPaired(controlMatching, steeredMatching, "matching");
    checkPaired(controlNonMatching, steeredNonMatching, "non-matching");
    checkNotNull(fractions, "fractions");
    checkArgument(fractions.length > 0, "fractions must not be empty");
    for (int i = 0; i < fractions.length; i++) {
      checkArgument(
          fractions[i] > 0 && fractions[i] <= 1 && (i == 0 || fractions[i] > fractions[i - 1]),
          "fractions must be strictly ascending in (0, 1]: %s",
          Arrays.toString(fractions));
    }
    double[] matching =
        prefixMeans(controlMatching, steeredMatching, +1, Comparator.naturalOrder(), fractions);
    double[] nonMatching =
        prefixMeans(controlNonMatching, steeredNonMatching, -1, Comparator.reverseOrder(), fractions);
    return new SteeringEffects(fractions.clone(), matching, nonMatching);
  }

  /**
   * Sorted by control score with {@code order}; Δ = sign·(steered − control); mean over each prefix.
   */
  private static double[] prefixMeans(
      double[] control,
      double[] steered,
      int sign,
      Comparator<Double> order,
      double[] fractions) {
    int n = control.length;
    int[] sorted =
        IntStream.range(0, n).boxed().sorted((a, b) -> order.compare(control[a], control[b]))
            .mapToInt(Integer::intValue).toArray();
    double[] means = new double[fractions.length];
    for (int f = 0; f < fractions.length; f++) {
      int take = Math.max(1, (int) Math.ceil(fractions[f] * n - 1e-9));
      take = Math.min(take, n);
      double sum = 0;
      for (int j = 0; j < take; j++) {
        int i = sorted[j];
        sum += sign * (steered[i] - control[i]);
      }
      means[f] = sum / take;
    }
    return means;
  }

  /**
   * The contrastive effect size of one example: Δ ln p(positive) − Δ ln p(negative), where
   * Δ = steered − unsteered, i.e. (pos_s − pos_u) − (neg_s − neg_u). Positive when steering moves
   * probability towards the positive completion. Inputs are log-probabilities (e.g. ℓ or summed).
   *
   * @throws IllegalArgumentException if an input is not finite
   */
  public static double contrastive(
      double positiveSteered, double positiveUnsteered, double negativeSteered, double negativeUnsteered) {
    checkFinite(positiveSteered, "positiveSteered");
    checkFinite(positiveUnsteered, "positiveUnsteered");
    checkFinite(negativeSteered, "negativeSteered");
    checkFinite(negativeUnsteered, "negativeUnsteered");
    return (positiveSteered - positiveUnsteered) - (negativeSteered - negativeUnsteered);
  }

  /**
   * The mean contrastive effect size over paired examples.
   *
   * @throws IllegalArgumentException if the arrays are empty, differ in length or hold a non-finite value
   */
  public static double meanContrastive(
      double[] positiveSteered,
      double[] positiveUnsteered,
      double[] negativeSteered,
      double[] negativeUnsteered) {
    checkNotNull(positiveSteered, "positiveSteered");
    checkNotNull(positiveUnsteered, "positiveUnsteered");
    checkNotNull(negativeSteered, "negativeSteered");
    checkNotNull(negativeUnsteered, "negativeUnsteered");
    int n = positiveSteered.length;
    checkArgument(n > 0, "no examples");
    checkArgument(
        positiveUnsteered.length == n && negativeSteered.length == n && negativeUnsteered.length == n,
        "arrays differ in length: %s, %s, %s, %s",
        n,
        positiveUnsteered.length,
        negativeSteered.length,
        negativeUnsteered.length);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += contrastive(positiveSteered[i], positiveUnsteered[i], negativeSteered[i], negativeUnsteered[i]);
    }
    return sum / n;
  }

  private static void checkPaired(double[] control, double[] steered, String group) {
    checkScores(control, "control " + group);
    checkScores(steered, "steered " + group);
    checkArgument(
        control.length == steered.length,
        "%s lists differ in length: control %s vs steered %s",
        group,
        control.length,
        steered.length);
  }

  private static void checkScores(double[] scores, String name) {
    checkNotNull(scores, name);
    checkArgument(scores.length > 0, "%s must not be empty", name);
    for (int i = 0; i < scores.length; i++) {
      double x = scores[i];
      if (!(x <= 0 && x > Double.NEGATIVE_INFINITY)) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + x + "; a mean log-probability score must be finite and <= 0");
      }
    }
  }

  private static void checkFinite(double x, String name) {
    checkArgument(Double.isFinite(x), "%s must be finite: %s", name, x);
  }
}
