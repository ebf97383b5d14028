package dev.steer.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecoderWeightsTest {

  private static Map<String, float[]> tensorsOf(DecoderWeights weights) {
    Map<String, float[]> m = new HashMap<>();
    for (String name : weights.names()) {
      m.put(name, weights.get(name));
    }
    return m;
  }

  @Test
  void randomWeightsAreDeterministicInTheSeed() {
    DecoderConfig config = TestModels.config(Architecture.LLAMA);
    DecoderWeights a = DecoderWeights.random(config, 7);
    DecoderWeights b = DecoderWeights.random(config, 7);
    DecoderWeights c = DecoderWeights.random(config, 8);
    String name = "model.layers.1.mlp.up_proj.weight";
    assertArrayEquals(a.get(name), b.get(name));
    assertFalse(Arrays.equals(a.get(name), c.get(name)));
  }

  @Test
  void randomMatricesHaveVarianceOneOverFanIn() {
    DecoderWeights w = TestModels.weights(Architecture.LLAMA);
    float[] down = w.get("model.layers.0.mlp.down_proj.weight"); // [64, 128]: fan-in 128
    double sumSq = 0;
    for (float x : down) {
      sumSq += x * x;
    }
    assertEquals(1.0 / 128, sumSq / down.length, 0.1 / 128);
  }

  @Test
  void gpt2HasConv1DShapesAndBiases() {
    DecoderWeights w = TestModels.weights(Architecture.GPT2);
    assertEquals(List.of(64, 192), w.shape("transformer.h.0.attn.c_attn.weight"));
    assertEquals(List.of(192), w.shape("transformer.h.0.attn.c_attn.bias"));
    assertEquals(List.of(256, 64), w.shape("transformer.h.1.mlp.c_proj.weight"));
    assertEquals(List.of(32, 64), w.shape("transformer.wpe.weight"));
  }

  @Test
  void llamaHasLinearShapesGroupedKvAndAnUntiedHead() {
    DecoderWeights w = TestModels.weights(Architecture.LLAMA);
    assertEquals(List.of(64, 64), w.shape("model.layers.2.self_attn.q_proj.weight"));
    assertEquals(List.of(32, 64), w.shape("model.layers.2.self_attn.k_proj.weight"));
    assertEquals(List.of(80, 64), w.shape("lm_head.weight"));
    assertFalse(w.names().contains("model.layers.0.pre_feedforward_layernorm.weight"));
  }

  @Test
  void gemma2HasFourNormsPerBlockAndNoSeparateHead() {
    DecoderWeights w = TestModels.weights(Architecture.GEMMA2);
    for (String norm :
        List.of("input", "post_attention", "pre_feedforward", "post_feedforward")) {
      assertTrue(w.names().contains("model.layers.1." + norm + "_layernorm.weight"), norm);
    }
    assertFalse(w.names().contains("lm_head.weight"));
  }

  @Test
  void ofAcceptsExactlyTheExpectedTensorsAndCopiesThem() {
    DecoderWeights original = TestModels.weights(Architecture.GPT2);
    Map<String, float[]> tensors = tensorsOf(original);
    DecoderWeights copy = DecoderWeights.of(original.config(), tensors);
    tensors.get("transformer.ln_f.bias")[0] = 99f;
    assertArrayEquals(original.get("transformer.ln_f.bias"), copy.get("transformer.ln_f.bias"));
  }

  @Test
  void getReturnsACopy() {
    DecoderWeights w = TestModels.weights(Architecture.GPT2);
    w.get("transformer.ln_f.bias")[0] = 99f;
    assertTrue(w.get("transformer.ln_f.bias")[0] != 99f);
  }

  @Test
  void ofNamesAMissingTensor() {
    DecoderWeights original = TestModels.weights(Architecture.LLAMA);
    Map<String, float[]> tensors = tensorsOf(original);
    tensors.remove("model.norm.weight");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DecoderWeights.of(original.config(), tensors));
    assertTrue(e.getMessage().contains("missing tensors"), e.getMessage());
    assertTrue(e.getMessage().contains("model.norm.weight"), e.getMessage());
  }

  @Test
  void ofNamesAnUnexpectedTensor() {
    DecoderWeights original = TestModels.weights(Architecture.GEMMA2);
    Map<String, float[]> tensors = tensorsOf(original);
    tensors.put("lm_head.weight", new float[80 * 64]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DecoderWeights.of(original.config(), tensors));
    assertTrue(e.getMessage().contains("unexpected tensors"), e.getMessage());
  }

  @Test
  void ofNamesATensorOfTheWrongSize() {
    DecoderWeights original = TestModels.weights(Architecture.LLAMA);
    Map<String, float[]> tensors = tensorsOf(original);
    tensors.put("model.layers.0.self_attn.k_proj.weight", new float[64 * 64]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DecoderWeights.of(original.config(), tensors));
    assertTrue(
        e.getMessage().contains("k_proj.weight has 4096 values but shape [32, 64] needs 2048"),
        e.getMessage());
  }

  @Test
  void ofRejectsNonFiniteValues() {
    DecoderWeights original = TestModels.weights(Architecture.LLAMA);
    Map<String, float[]> tensors = tensorsOf(original);
    tensors.get("model.norm.weight")[5] = Float.NaN;
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DecoderWeights.of(original.config(), tensors));
    assertTrue(e.getMessage().contains("non-finite value at 5"), e.getMessage());
  }

  @Test
  void unknownNamesAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TestModels.weights(Architecture.GPT2).get("model.norm.weight"));
  }

  @Test
  void weightsTooLargeForAJavaArrayAreRejectedBeforeAllocation() {
    DecoderConfig config =
        DecoderConfig.builder(Architecture.LLAMA)
            .vocabSize(1 << 24)
            .hiddenSize(1 << 10)
            .numHeads(8)
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DecoderWeights.random(config, 1));
    assertTrue(e.getMessage().contains("exceeds a Java array"), e.getMessage());
  }
}
