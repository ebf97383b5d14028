package dev.steer.onnx.export;

import static dev.steer.onnx.export.DecoderExporterTest.assertClose;
import static dev.steer.onnx.export.DecoderExporterTest.toDoubles;
import static dev.steer.onnx.export.DecoderExporterTest.toInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.steer.onnx.reference.OrtDecoderRunner;
import dev.steer.onnx.reference.OrtDecoderRunner.Step;
import dev.steer.onnx.reference.ReferenceDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Exports whose upper blocks attend through a sliding window (Qwen2's max_window_layers layout). */
class SlidingWindowExportTest {

  private static final int WINDOW = 3;
  private static final long[] PROMPT = {1, 17, 5, 63, 42, 8, 79, 30, 11, 54};

  @TempDir Path dir;

  private static DecoderConfig windowed(Architecture architecture, int fullAttentionLayers) {
    return TestModels.builder(architecture).slidingWindow(WINDOW, fullAttentionLayers).build();
  }

  private OrtDecoderRunner export(DecoderWeights weights) throws Exception {
    DecoderExporter.export(weights.config(), weights, dir, DecoderExporter.WeightStorage.INLINE);
    return new OrtDecoderRunner(dir.resolve(DecoderExporter.MODEL_FILE), weights.config());
  }

  @ParameterizedTest
  @EnumSource(value = Architecture.class, names = {"GPT2", "LLAMA"})
  void logitsMatchTheReferenceAndCachedDecodingEqualsFullRecomputation(Architecture architecture)
      throws Exception {
    DecoderWeights weights = DecoderWeights.random(windowed(architecture, 1), 42);
    double[][] expected = new ReferenceDecoder(weights).forward(toInts(PROMPT)).logits();
    double[][] fullAttention =
        new ReferenceDecoder(DecoderWeights.random(TestModels.config(architecture), 42))
            .forward(toInts(PROMPT))
            .logits();
    assertFalse(
        Arrays.equals(expected[PROMPT.length - 1], fullAttention[PROMPT.length - 1]),
        "the window must change what the upper blocks see");
    try (OrtDecoderRunner onnx = export(weights)) {
      Step full = onnx.prefill(PROMPT);
      for (int t = 0; t < PROMPT.length; t++) {
        assertClose(expected[t], full.logitsAt(0, t, TestModels.VOCAB), "position " + t);
      }
      Step step = onnx.prefill(Arrays.copyOf(PROMPT, 2));
      for (int t = 2; t < PROMPT.length; t++) {
        long[] mask = new long[t + 1];
        Arrays.fill(mask, 1);
        step = onnx.run(new long[][] {{PROMPT[t]}}, new long[][] {mask}, new long[][] {{t}}, step);
        assertClose(expected[t], step.logitsAt(0, 0, TestModels.VOCAB), "cached step " + t);
      }
    }
  }

  @Test
  void tokensOutsideTheReceptiveFieldOfWindowedBlocksDoNotMatter() throws Exception {
    // every block windowed: position t sees tokens t − layers·(window − 1) … t and no earlier ones
    DecoderWeights weights = DecoderWeights.random(windowed(Architecture.GPT2, 0), 7);
    int reach = weights.config().numLayers() * (WINDOW - 1);
    long[] changed = PROMPT.clone();
    changed[0] = 3;
    try (OrtDecoderRunner onnx = export(weights)) {
      Step a = onnx.prefill(PROMPT);
      Step b = onnx.prefill(changed);
      for (int t = 0; t < PROMPT.length; t++) {
        float[] la = a.logitsAt(0, t, TestModels.VOCAB);
        float[] lb = b.logitsAt(0, t, TestModels.VOCAB);
        if (t > reach) {
          assertArrayEquals(la, lb, 1e-5f, "position " + t + " is beyond the reach " + reach);
        } else {
          assertFalse(Arrays.equals(la, lb), "position " + t + " sees token 0");
        }
      }
    }
  }

  @Test
  void configJsonCarriesTheWindowAndParsesBack() {
    DecoderConfig config = windowed(Architecture.GPT2, 1);
    var json = JsonParser.parseString(config.toConfigJson()).getAsJsonObject();
    assertTrue(json.get("use_sliding_window").getAsBoolean());
    assertEquals(WINDOW, json.get("sliding_window").getAsInt());
    assertEquals(1, json.get("max_window_layers").getAsInt());
    assertEquals("[\"full_attention\",\"sliding_attention\"]", json.get("layer_types").toString());
    assertEquals(config, DecoderConfig.fromConfigJson(config.toConfigJson()));
    assertFalse(TestModels.config(Architecture.GPT2).toConfigJson().contains("sliding"));
  }

  @Test
  void badWindowsAreRejectedWithTheirValues() {
    IllegalArgumentException tooWide =
        assertThrows(
            IllegalArgumentException.class,
            () -> DecoderConfig.builder(Architecture.GPT2).numLayers(2).maxPositions(8).slidingWindow(9, 1).build());
    assertTrue(tooWide.getMessage().contains("slidingWindow must be in [0 (none), maxPositions 8]: 9"),
        tooWide.getMessage());
    IllegalArgumentException noWindowedLayer =
        assertThrows(
            IllegalArgumentException.class,
            () -> DecoderConfig.builder(Architecture.GPT2).numLayers(2).slidingWindow(4, 2).build());
    assertTrue(noWindowedLayer.getMessage().contains("fullAttentionLayers 2"), noWindowedLayer.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> DecoderConfig.builder(Architecture.GEMMA2).numLayers(2).slidingWindow(4, 1).build());
  }
}
