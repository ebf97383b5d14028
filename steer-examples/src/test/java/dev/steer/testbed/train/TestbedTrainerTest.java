package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.testbed.StoryGrammar;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestbedTrainerTest {

  private static final StoryGrammar GRAMMAR = StoryGrammar.standard();
  /** Tiny but complete: every kind of tensor, 80 positions so that any story fits. */
  private static final TestbedModelConfig TINY =
      new TestbedModelConfig(GRAMMAR.vocabulary().size(), 16, 2, 2, 32, 80, 1e-5);

  /** SameDiff costs milliseconds per op whatever the size, so the tests share two 20-step runs. */
  private static final List<String> LOG = new ArrayList<>();
  private static final TestbedTrainer.Result RUN =
      TestbedTrainer.train(GRAMMAR, TINY, tinyRun(7), LOG::add);

  private static TrainingOptions tinyRun(long seed) {
    return new TrainingOptions(seed, 20, 4, 1e-2, 4, 0.1, 1.0, 80, 8, 10, java.util.Map.of());
  }

  @Test
  void aTinyRunLowersTheLoss() {
    List<Double> losses = RUN.trainLosses();
    double first = mean(losses.subList(0, 3));
    double last = mean(losses.subList(losses.size() - 3, losses.size()));
    // Uniform guessing over 191 tokens costs ln 191 ≈ 5.25 nats; 20 steps must learn the commonest words.
    assertTrue(first > 5, "first losses " + first);
    assertTrue(last < first - 0.8, "first " + first + ", last " + last);
  }

  @Test
  void earlyExitsParseFromBlockWeightPairs() {
    assertEquals(java.util.Map.of(1, 0.5, 2, 0.25), TestbedTrainer.parseEarlyExits("1:0.5,2:0.25"));
    assertTrue(TestbedTrainer.parseEarlyExits("none").isEmpty());
    for (String bad : List.of("1", "1:0.5,1:0.5", "1:0.5:2", "1:0.5,", "1:0.5:", "x:1")) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> TestbedTrainer.parseEarlyExits(bad), bad);
    }
  }

  @Test
  void sameSeedGivesTheSameLosses() {
    TestbedTrainer.Result again = TestbedTrainer.train(GRAMMAR, TINY, tinyRun(7), line -> {});
    assertEquals(RUN.trainLosses().size(), again.trainLosses().size());
    for (int i = 0; i < RUN.trainLosses().size(); i++) {
      assertEquals(RUN.trainLosses().get(i), again.trainLosses().get(i), 1e-6, "step " + (i + 1));
    }
    assertEquals(RUN.validationCrossEntropy(), again.validationCrossEntropy(), 1e-6);
  }

  @Test
  void validationCrossEntropyAgreesWithTheReferenceDecoder() {
    ReferenceDecoder decoder = new ReferenceDecoder(RUN.weights());
    StoryBatches tokens = new StoryBatches(GRAMMAR.vocabulary(), TINY.maxPositions());
    double total = 0;
    long predicted = 0;
    for (var story : dev.steer.testbed.Corpus.generate(GRAMMAR, 7, 0, 8).validation()) {
      int[] ids = tokens.encode(story);
      double[][] logits = decoder.logits(java.util.Arrays.copyOf(ids, ids.length - 1));
      for (int p = 0; p < logits.length; p++) {
        total -= LogSoftmax.at(logits[p], ids[p + 1]);
        predicted++;
      }
    }
    assertEquals(total / predicted, RUN.validationCrossEntropy(), 1e-4);
  }

  @Test
  void trainingLogsLossAndValidationLines() {
    assertTrue(LOG.stream().anyMatch(l -> l.startsWith("step    20  train loss")), LOG.toString());
    assertTrue(LOG.stream().anyMatch(l -> l.startsWith("step    10  validation CE")), LOG.toString());
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
