package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;

/**
 * Settings of one training run. The learning rate warms up linearly over {@code warmupSteps}, then
 * follows a cosine from {@code peakLearningRate} down to {@code peakLearningRate·finalLearningRateFraction}
 * at the last step:
 *
 * <pre>
 *   lr(s) = peak·s/warmup                                        for s ≤ warmup (s counted from 1)
 *   lr(s) = peak·(f + (1−f)·½(1 + cos(π·(s−warmup)/(steps−warmup))))  otherwise
 * </pre>
 *
 * @param seed seeds the corpus, the initial weights and the order of training stories
 * @param steps optimiser steps
 * @param batchSize stories per step
 * @param peakLearningRate Adam's largest learning rate
 * @param warmupSteps steps of linear warm-up
 * @param finalLearningRateFraction f, the final learning rate as a share of the peak
 * @param clipNorm largest global gradient norm
 * @param trainStories distinct training stories (cycled through when steps·batchSize exceeds them)
 * @param validationStories held-out stories for the validation cross-entropy
 * @param evaluateEvery steps between validation evaluations (0: only at the end)
 * @param earlyExits block index → weight λ of that block's early-exit loss (see {@link
 *     TestbedModelDefinition#create(TestbedWeights, int, Map)}); empty for none
 */
record TrainingOptions(
    long seed,
    int steps,
    int batchSize,
    double peakLearningRate,
    int warmupSteps,
    double finalLearningRateFraction,
    double clipNorm,
    int trainStories,
    int validationStories,
    int evaluateEvery,
    Map<Integer, Double> earlyExits) {

  TrainingOptions {
    earlyExits = ImmutableSortedMap.copyOf(earlyExits);
    TestbedModelDefinition.checkExitWeights(earlyExits);
    checkArgument(steps > 0, "steps must be positive: %s", steps);
    checkArgument(batchSize > 0, "batchSize must be positive: %s", batchSize);
    checkArgument(peakLearningRate > 0, "peakLearningRate must be positive: %s", peakLearningRate);
    checkArgument(warmupSteps >= 0, "warmupSteps must be non-negative: %s", warmupSteps);
    checkArgument(
        finalLearningRateFraction >= 0 && finalLearningRateFraction <= 1,
        "finalLearningRateFraction must be in [0, 1]: %s",
        finalLearningRateFraction);
    checkArgument(clipNorm > 0, "clipNorm must be positive: %s", clipNorm);
    checkArgument(trainStories >= batchSize, "trainStories %s < batchSize %s", trainStories, batchSize);
    checkArgument(validationStories > 0, "validationStories must be positive: %s", validationStories);
    checkArgument(evaluateEvery >= 0, "evaluateEvery must be non-negative: %s", evaluateEvery);
  }

  /**
   * The early exits of the shipped testbed: after the two middle blocks of the four, each with weight
   * 0.5. Without them the model fetches topics and colours from earlier words only in its last block, so
   * a middle block has little to steer (docs/testbed.md, "Why the early exits").
   */
  static final Map<Integer, Double> STANDARD_EARLY_EXITS = Map.of(1, 0.5, 2, 0.5);

  /** The defaults of the testbed run for {@code seed} and {@code steps}. */
  static TrainingOptions defaults(long seed, int steps) {
    return new TrainingOptions(
        seed, steps, 32, 3e-3, 100, 0.1, 1.0, Math.min(steps * 32, 150_000), 2000, 250,
        STANDARD_EARLY_EXITS);
  }

  double learningRate(int step) {
    if (step <= warmupSteps) {
      return peakLearningRate * step / Math.max(1, warmupSteps);
    }
    double progress = (step - warmupSteps) / (double) Math.max(1, steps - warmupSteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    return peakLearningRate
        * (finalLearningRateFraction + (1 - finalLearningRateFraction) * cosine);
  }
}
