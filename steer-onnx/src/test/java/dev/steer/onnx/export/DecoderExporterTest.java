package dev.steer.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import dev.steer.onnx.reference.OrtDecoderRunner;
import dev.steer.onnx.reference.OrtDecoderRunner.Step;
import dev.steer.onnx.reference.ReferenceDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecoderExporterTest {

  /** |onnx − reference| ≤ TOLERANCE · max(1, |reference|). */
  private static final double TOLERANCE = 1e-4;

  private static final long[] PROMPT = {1, 17, 5, 63, 42, 8, 79};

  @TempDir Path dir;

  private OrtDecoderRunner export(Architecture architecture, DecoderExporter.WeightStorage storage)
      throws IOException, OrtException {
    DecoderWeights weights = TestModels.weights(architecture);
    DecoderExporter.export(weights.config(), weights, dir, storage);
    return new OrtDecoderRunner(dir.resolve(DecoderExporter.MODEL_FILE), weights.config());
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void logitsMatchTheDoublePrecisionReference(Architecture architecture) throws Exception {
    ReferenceDecoder reference = new ReferenceDecoder(TestModels.weights(architecture));
    double[][] expected = reference.forward(toInts(PROMPT)).logits();
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      Step step = onnx.prefill(PROMPT);
      for (int t = 0; t < PROMPT.length; t++) {
        assertClose(expected[t], step.logitsAt(0, t, TestModels.VOCAB), "position " + t);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void cachedIncrementalDecodingEqualsFullRecomputation(Architecture architecture)
      throws Exception {
    int prefill = 3;
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      Step full = onnx.prefill(PROMPT);
      Step step = onnx.prefill(Arrays.copyOf(PROMPT, prefill));
      for (int t = prefill; t < PROMPT.length; t++) {
        long[] mask = new long[t + 1];
        Arrays.fill(mask, 1);
        step =
            onnx.run(
                new long[][] {{PROMPT[t]}}, new long[][] {mask}, new long[][] {{t}}, step);
        assertEquals(t + 1, step.total());
        assertClose(
            toDoubles(full.logitsAt(0, t, TestModels.VOCAB)),
            step.logitsAt(0, 0, TestModels.VOCAB),
            "step " + t);
      }
      for (int layer = 0; layer < TestModels.config(architecture).numLayers(); layer++) {
        assertClose(toDoubles(full.keys().get(layer)), step.keys().get(layer), "keys " + layer);
        assertClose(toDoubles(full.values().get(layer)), step.values().get(layer), "values " + layer);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void leftPaddedBatchGivesEachRowsLogitsAsIfRunAlone(Architecture architecture) throws Exception {
    long[] longRow = {1, 9, 33, 4, 70, 12};
    long[] shortRow = {1, 25, 61};
    int pad = longRow.length - shortRow.length;
    long[][] ids = {longRow, {0, 0, 0, 1, 25, 61}};
    long[][] mask = {{1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1}};
    // Hugging Face's position ids for left padding: cumsum(mask) − 1, padding set to 1.
    long[][] positions = {{0, 1, 2, 3, 4, 5}, {1, 1, 1, 0, 1, 2}};
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      Step batch = onnx.run(ids, mask, positions, null);
      Step aloneLong = onnx.prefill(longRow);
      Step aloneShort = onnx.prefill(shortRow);
      for (int t = 0; t < longRow.length; t++) {
        assertClose(
            toDoubles(aloneLong.logitsAt(0, t, TestModels.VOCAB)),
            batch.logitsAt(0, t, TestModels.VOCAB),
            "long row " + t);
      }
      for (int t = 0; t < shortRow.length; t++) {
        assertClose(
            toDoubles(aloneShort.logitsAt(0, t, TestModels.VOCAB)),
            batch.logitsAt(1, pad + t, TestModels.VOCAB),
            "short row " + t);
      }
      // One cached step more: padding stays invisible through the cache.
      Step next =
          onnx.run(
              new long[][] {{7}, {7}},
              new long[][] {{1, 1, 1, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1}},
              new long[][] {{6}, {3}},
              batch);
      Step shortNext =
          onnx.run(new long[][] {{7}}, new long[][] {{1, 1, 1, 1}}, new long[][] {{3}}, aloneShort);
      assertClose(
          toDoubles(shortNext.logitsAt(0, 0, TestModels.VOCAB)),
          next.logitsAt(1, 0, TestModels.VOCAB),
          "short row after a cached step");
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void leftPaddedRowMatchesTheReferenceWithPaddingMaskedOut(Architecture architecture)
      throws Exception {
    ReferenceDecoder reference = new ReferenceDecoder(TestModels.weights(architecture));
    double[][] expected =
        reference
            .forward(
                new int[] {0, 0, 1, 25, 61},
                new int[] {1, 1, 0, 1, 2},
                new boolean[] {false, false, true, true, true},
                List.of())
            .logits();
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      Step step =
          onnx.run(
              new long[][] {{0, 0, 1, 25, 61}},
              new long[][] {{0, 0, 1, 1, 1}},
              new long[][] {{1, 1, 0, 1, 2}},
              null);
      for (int t = 2; t < 5; t++) {
        assertClose(expected[t], step.logitsAt(0, t, TestModels.VOCAB), "position " + t);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void externalDataExportLoadsAndGivesTheInlineLogits(Architecture architecture) throws Exception {
    float[] external;
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.EXTERNAL_DATA)) {
      external = onnx.prefill(PROMPT).logits();
    }
    Path data = dir.resolve(DecoderExporter.DATA_FILE);
    OnnxMl.ModelProto model =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dir.resolve(DecoderExporter.MODEL_FILE)));
    long externalBytes = 0;
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        assertEquals("location", t.getExternalData(0).getKey());
        assertEquals(DecoderExporter.DATA_FILE, t.getExternalData(0).getValue());
        assertEquals("length", t.getExternalData(2).getKey());
        externalBytes += Long.parseLong(t.getExternalData(2).getValue());
      } else {
        assertTrue(t.getRawData().size() < 1024, t.getName() + " is large but inline");
      }
    }
    assertEquals(Files.size(data), externalBytes, "the data file holds exactly the external tensors");
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      assertArrayEquals(onnx.prefill(PROMPT).logits(), external, 1e-6f);
    }
    assertTrue(Files.notExists(data), "an inline export removes a stale " + data);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void inputsAndOutputsFollowOptimumNamesAndShapes(Architecture architecture) throws Exception {
    DecoderConfig config = TestModels.config(architecture);
    List<String> inputs = new ArrayList<>(List.of("input_ids", "attention_mask", "position_ids"));
    List<String> outputs = new ArrayList<>(List.of("logits"));
    for (int i = 0; i < config.numLayers(); i++) {
      inputs.add("past_key_values." + i + ".key");
      inputs.add("past_key_values." + i + ".value");
      outputs.add("present." + i + ".key");
      outputs.add("present." + i + ".value");
    }
    try (OrtDecoderRunner onnx = export(architecture, DecoderExporter.WeightStorage.INLINE)) {
      assertEquals(inputs, onnx.inputNames());
      assertEquals(outputs, onnx.outputNames());
      Step step = onnx.prefill(PROMPT);
      assertArrayEquals(new long[] {1, PROMPT.length, config.vocabSize()}, step.logitsShape());
      assertArrayEquals(
          new long[] {1, config.numKvHeads(), PROMPT.length, config.headDim()}, step.presentShape());
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void writesConfigJsonThatParsesBackToTheConfig(Architecture architecture) throws Exception {
    DecoderWeights weights = TestModels.weights(architecture);
    DecoderExporter.export(weights.config(), weights, dir);
    assertEquals(
        weights.config(), DecoderConfig.fromConfigJson(Files.readString(dir.resolve("config.json"))));
    assertTrue(Files.readString(dir.resolve("generation_config.json")).contains("\"eos_token_id\": 2"));
  }

  @Test
  void modelDeclaresOpset17AndOnlyStandardOperators() {
    for (Architecture architecture : Architecture.values()) {
      DecoderWeights weights = TestModels.weights(architecture);
      OnnxMl.ModelProto model = DecoderExporter.toModel(weights.config(), weights);
      assertEquals(DecoderExporter.OPSET, model.getOpsetImport(0).getVersion());
      assertEquals("", model.getOpsetImport(0).getDomain());
      assertEquals(1, model.getOpsetImportCount());
      assertTrue(model.getGraph().getNodeList().stream().allMatch(n -> n.getDomain().isEmpty()));
    }
  }

  @Test
  void exportRejectsWeightsMadeForAnotherConfig() {
    DecoderWeights llama = TestModels.weights(Architecture.LLAMA);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DecoderExporter.export(TestModels.config(Architecture.GEMMA2), llama, dir));
    assertTrue(e.getMessage().contains("weights were made for"), e.getMessage());
  }

  static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
      worst = Math.max(worst, err);
    }
    assertTrue(worst <= TOLERANCE, what + ": worst relative error " + worst);
  }

  static double[] toDoubles(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  static int[] toInts(long[] x) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (int) x[i];
    }
    return out;
  }
}
