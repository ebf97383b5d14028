package dev.steer.examples.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.steer.examples.TinyModel;
import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExampleTest {
  private static final List<String> POS = List.of("w1 w2 w3", "w1 w4 w5");
  private static final List<String> NEG = List.of("w8 w2 w3", "w8 w4 w5");
  private static final HookPoint AT = HookPoint.residPost(1);

  @TempDir static Path root;
  static Path model;

  @BeforeAll
  static void export() throws IOException {
    model = TinyModel.write(root.resolve("model"));
  }

  @Test
  void returnsWhatTheSameCallsOnTheModelReturn() throws IOException {
    EmbeddingExample.Result r = EmbeddingExample.run(model, AT, POS, NEG, "w3 w14", 8);
    try (OnnxSteerableModel m = OnnxSteerableModel.open(model)) {
      var v = m.extract(POS, NEG, AT, ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
      assertEquals(m.generate("w3 w14", SteeringPlan.of(AT, Additive.of(v, 8)), GenerationConfig.greedy(20)).text(),
          r.steered());
      assertEquals(m.generate("w3 w14", SteeringPlan.empty(), GenerationConfig.greedy(20)).text(), r.unsteered());
    }
    assertNotEquals(r.unsteered(), r.steered(), "alpha 8 should change this tiny model's greedy output");
  }

  @Test
  void atStrengthZeroSteeredEqualsUnsteered() throws IOException {
    EmbeddingExample.Result r = EmbeddingExample.run(model, AT, POS, NEG, "w3 w14", 0);
    assertEquals(r.unsteered(), r.steered());
  }
}
