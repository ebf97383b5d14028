package dev.steer.examples.cli;

import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.metrics.distribution.NormalizedBranchingFactor;
import dev.steer.onnx.ComparedGeneration;
import java.util.Arrays;
import java.util.List;

/**
 * What steering did to one prompt's next-token distributions, step by step: step t (0 = the last prompt
 * token) compares the steered logits with the unsteered model's logits on the same context (the
 * teacher-forced replay of {@code generateCompared}).
 *
 * <ul>
 *   <li>NBF = mean BF steered / mean BF unsteered over the steps, BF = exp(H of the renormalised top-1000);
 *   <li>KL(steered ‖ unsteered) and Jensen–Shannon in nats, averaged over the steps;
 *   <li>entropy H of the full steered softmax in nats, averaged over the steps.
 * </ul>
 *
 * <p>{@link #pooled} combines several prompts the same way, over every (prompt, step) value.
 *
 * @param text the steered generated text
 * @param steeredBf per step, the steered branching factor
 * @param unsteeredBf per step, the unsteered branching factor
 * @param kl per step, KL(steered ‖ unsteered)
 * @param js per step, Jensen–Shannon divergence
 * @param entropy per step, entropy of the steered distribution
 */
record PromptScore(
    String text, double[] steeredBf, double[] unsteeredBf, double[] kl, double[] js, double[] entropy) {

  static PromptScore of(ComparedGeneration g) {
    int n = g.steps();
    double[] bfS = new double[n];
    double[] bfU = new double[n];
    double[] kl = new double[n];
    double[] js = new double[n];
    double[] h = new double[n];
    NextTokenStats stats = new NextTokenStats(NextTokenStats.DEFAULT_TOP_K);
    for (int t = 0; t < n; t++) {
      float[] steered = g.steeredLogits().get(t);
      float[] unsteered = g.unsteeredLogits().get(t);
      stats.measure(steered);
      bfS[t] = stats.branchingFactor();
      h[t] = stats.entropy();
      bfU[t] = stats.measure(unsteered).branchingFactor();
      DistributionShift shift = DistributionShift.between(steered, unsteered);
      kl[t] = shift.kl();
      js[t] = shift.jensenShannon();
    }
    return new PromptScore(g.steered().text(), bfS, bfU, kl, js, h);
  }

  /** All prompts' steps as one run. */
  static PromptScore pooled(List<PromptScore> scores) {
    return new PromptScore("",
        concat(scores, PromptScore::steeredBf), concat(scores, PromptScore::unsteeredBf),
        concat(scores, PromptScore::kl), concat(scores, PromptScore::js), concat(scores, PromptScore::entropy));
  }

  double nbf() {
    return NormalizedBranchingFactor.of(new double[][] {steeredBf}, new double[][] {unsteeredBf}).aggregate();
  }

  double meanKl() {
    return mean(kl);
  }

  double meanJs() {
    return mean(js);
  }

  double meanEntropy() {
    return mean(entropy);
  }

  int steps() {
    return kl.length;
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  private static double[] concat(List<PromptScore> scores, java.util.function.Function<PromptScore, double[]> f) {
    return scores.stream().map(f).flatMapToDouble(Arrays::stream).toArray();
  }
}
