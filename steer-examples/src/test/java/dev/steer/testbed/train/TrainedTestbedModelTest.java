package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.testbed.Corpus;
import dev.steer.testbed.GrammarEntropy;
import dev.steer.testbed.Story;
import dev.steer.testbed.StoryGrammar;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Checks the committed trained model (the class-path resource) with the plain-Java decoder only. */
class TrainedTestbedModelTest {

  static final String RESOURCE = "/dev/steer/testbed/" + TestbedTrainer.WEIGHTS_FILE;
  private static final StoryGrammar GRAMMAR = StoryGrammar.standard();

  private static TestbedWeights committed() throws IOException {
    try (InputStream in = TrainedTestbedModelTest.class.getResourceAsStream(RESOURCE)) {
      assertNotNull(in, RESOURCE + " is missing");
      return TestbedWeights.read(in);
    }
  }

  @Test
  void committedWeightsHaveTheStandardConfiguration() throws IOException {
    assertEquals(TestbedModelConfig.standard(GRAMMAR.vocabulary().size()), committed().config());
  }

  @Test
  void committedModelIsWithinFifteenPercentOfTheEntropyFloorOnFreshStories() throws IOException {
    ReferenceDecoder decoder = new ReferenceDecoder(committed());
    StoryBatches tokens = new StoryBatches(GRAMMAR.vocabulary(), decoder.config().maxPositions());
    double total = 0;
    long predicted = 0;
    // A seed the trainer never used: these stories are new to the model.
    for (Story story : Corpus.generate(GRAMMAR, 20_261_124, 0, 60).validation()) {
      int[] ids = tokens.encode(story);
      double[][] logits = decoder.logits(Arrays.copyOf(ids, ids.length - 1));
      for (int p = 0; p < logits.length; p++) {
        total -= LogSoftmax.at(logits[p], ids[p + 1]);
        predicted++;
      }
    }
    double floor = GrammarEntropy.exact(GRAMMAR).natsPerToken();
    double ce = total / predicted;
    assertTrue(ce >= floor * 0.9, "cross-entropy " + ce + " implausibly below the floor " + floor);
    assertTrue(ce <= floor * 1.15, "cross-entropy " + ce + " above 1.15 x floor " + floor);
  }

  @Test
  void storiesSampledAtTemperatureOneAreFluent() throws IOException {
    ReferenceDecoder decoder = new ReferenceDecoder(committed());
    StoryBatches tokens = new StoryBatches(GRAMMAR.vocabulary(), decoder.config().maxPositions());
    SampleQuality.Report report = SampleQuality.sample(decoder, tokens, GRAMMAR, 30, 1.0, 99);
    assertTrue(report.fluentShare() >= 0.95, "fluent share " + report.fluentShare() + " " + report);
    assertTrue(report.finished() >= 28, report.toString());
  }
}
