package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.testbed.train.ReferenceDecoder;
import dev.steer.testbed.train.TestbedModelConfig;
import dev.steer.testbed.train.TestbedWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export of trained weights computes what the trainer's own forward pass computes. */
class TestbedExportTest {

  @Test
  void shippedModelIsTheExportOfTheShippedWeights(@TempDir Path dir) throws IOException {
    TestbedWeights weights;
    try (java.io.InputStream in = getClass().getResourceAsStream("/dev/steer/testbed/testbed-gpt2.weights")) {
      weights = TestbedWeights.read(in);
    }
    TestbedExport.export(weights, StoryGrammar.standard(), dir);
    for (String f : Testbed.FILES) {
      try (java.io.InputStream in = getClass().getResourceAsStream(Testbed.RESOURCES + f)) {
        assertArrayEquals(in.readAllBytes(), java.nio.file.Files.readAllBytes(dir.resolve(f)), f);
      }
    }
  }

  @Test
  void shippedModelWritesFluentStoriesAtTemperatureOne() throws IOException {
    Judge judge = Testbed.judge();
    Concept any = Testbed.grammar().concept("joyful");
    double fluency = 0;
    int n = 40;
    try (OnnxSteerableModel model = Testbed.open()) {
      for (int s = 0; s < n; s++) {
        String prompt = ContrastivePrompts.NEUTRAL_PREFIXES.get(s % 4);
        String text = model.generate(prompt, SteeringPlan.empty(),
            dev.steer.onnx.generate.GenerationConfig.sampled(60, 1.0, s)).text();
        fluency += judge.score(prompt, text, any).fluency();
      }
    }
    assertTrue(fluency / n >= 0.95, "mean fluency " + fluency / n);
  }

  @Test
  void exportedModelReproducesTheTrainersForwardPassOverWordsInTokenizerOrder(@TempDir Path dir)
      throws IOException {
    StoryGrammar grammar = StoryGrammar.standard();
    List<String> vocab = grammar.vocabulary();
    TestbedWeights weights = TestbedWeights.random(TestbedModelConfig.standard(vocab.size()), 3);
    try (OnnxSteerableModel model = OnnxSteerableModel.open(TestbedExport.export(weights, grammar, dir))) {
      String text = "once upon a time , the baker was happy in london .";
      int[] ids = model.encode(text);
      String[] words = ("<bos> " + text).split(" ");
      assertEquals(words.length, ids.length);
      int[] trainerIds = new int[words.length];
      for (int i = 0; i < words.length; i++) {
        trainerIds[i] = vocab.indexOf(words[i]);
      }
      double[][] expected = new ReferenceDecoder(weights).logits(trainerIds);
      float[][] actual = model.logits(ids, SteeringPlan.empty());
      List<String> tokenizerOrder = TestbedExport.tokenizer(grammar).tokens();
      for (int p = 0; p < ids.length; p++) {
        for (int id = 0; id < tokenizerOrder.size(); id++) {
          double e = expected[p][vocab.indexOf(tokenizerOrder.get(id))];
          assertTrue(Math.abs(e - actual[p][id]) <= 1e-4 * Math.max(1, Math.abs(e)),
              "position " + p + " token " + tokenizerOrder.get(id) + ": " + e + " vs " + actual[p][id]);
        }
      }
      assertArrayEquals(new int[] {model.config().bosTokenId()}, new int[] {ids[0]});
    }
  }
}
