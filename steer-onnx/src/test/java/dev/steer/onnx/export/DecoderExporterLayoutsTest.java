package dev.steer.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.steer.onnx.export.DecoderExporter.Layout;
import dev.steer.onnx.export.DecoderExporter.WeightStorage;
import dev.steer.onnx.reference.OrtDecoderRunner;
import dev.steer.onnx.reference.OrtDecoderRunner.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The merged and split layouts follow Optimum's conventions and compute what the single decoder does. */
class DecoderExporterLayoutsTest {
  private static final long[] PROMPT = {1, 17, 5, 63, 42};
  private static final long NEXT = 29;

  @TempDir Path dir;

  private static ModelProto read(Path file) throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(file));
  }

  private static List<String> names(List<ValueInfoProto> infos) {
    return infos.stream().map(ValueInfoProto::getName).toList();
  }

  private static List<String> expectedInputs(int layers, boolean withPast) {
    List<String> in = new ArrayList<>(List.of("input_ids", "attention_mask", "position_ids"));
    for (int i = 0; withPast && i < layers; i++) {
      in.add("past_key_values." + i + ".key");
      in.add("past_key_values." + i + ".value");
    }
    return in;
  }

  private static GraphProto branch(NodeProto ifNode, String name) {
    return ifNode.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .map(AttributeProto::getG).orElseThrow();
  }

  private static Set<String> nodeInputs(GraphProto g) {
    Set<String> s = new HashSet<>();
    g.getNodeList().forEach(n -> s.addAll(n.getInputList()));
    return s;
  }

  @Test
  void mergedGraphIsOneIfOnABoolUseCacheBranchWithHoistedInitializers() throws Exception {
    DecoderWeights w = TestModels.weights(Architecture.LLAMA);
    DecoderExporter.export(w.config(), w, dir, Layout.MERGED, WeightStorage.INLINE);
    GraphProto main = read(dir.resolve(DecoderExporter.MERGED_FILE)).getGraph();
    int layers = w.config().numLayers();
    List<String> inputs = expectedInputs(layers, true);
    inputs.add("use_cache_branch");
    assertEquals(inputs, names(main.getInputList()));
    ValueInfoProto flag = main.getInput(inputs.size() - 1);
    assertEquals(TensorProto.DataType.BOOL_VALUE, flag.getType().getTensorType().getElemType());
    assertEquals(1, flag.getType().getTensorType().getShape().getDimCount());
    assertEquals(1, flag.getType().getTensorType().getShape().getDim(0).getDimValue());
    assertEquals("logits", main.getOutput(0).getName());
    assertEquals(1 + 2 * layers, main.getOutputCount());
    assertEquals(1, main.getNodeCount());
    NodeProto ifNode = main.getNode(0);
    assertEquals("If", ifNode.getOpType());
    assertEquals(List.of("use_cache_branch"), ifNode.getInputList());
    GraphProto withPast = branch(ifNode, "then_branch");
    GraphProto noPast = branch(ifNode, "else_branch");
    for (GraphProto b : List.of(withPast, noPast)) {
      assertEquals(0, b.getInputCount(), b.getName() + " takes no inputs of its own");
      assertEquals(0, b.getInitializerCount(), b.getName() + " reads its weights from the main graph");
      assertEquals(names(main.getOutputList()), names(b.getOutputList()));
    }
    assertTrue(nodeInputs(withPast).contains("past_key_values.0.key"));
    assertFalse(nodeInputs(noPast).stream().anyMatch(n -> n.startsWith("past_key_values")));
    Set<String> initializers = new HashSet<>();
    main.getInitializerList().forEach(t -> assertTrue(initializers.add(t.getName()), "one copy of " + t.getName()));
    assertTrue(initializers.contains("model.embed_tokens.weight"));
  }

  @Test
  void splitNoPastDecoderHasNoPastInputsAndTheWithPastDecoderHasThem() throws Exception {
    DecoderWeights w = TestModels.weights(Architecture.GPT2);
    DecoderExporter.export(w.config(), w, dir, Layout.SPLIT, WeightStorage.INLINE);
    int layers = w.config().numLayers();
    assertEquals(expectedInputs(layers, false), names(read(dir.resolve(DecoderExporter.NO_PAST_FILE)).getGraph()
        .getInputList()));
    assertEquals(expectedInputs(layers, true), names(read(dir.resolve(DecoderExporter.WITH_PAST_FILE)).getGraph()
        .getInputList()));
  }

  @Test
  void exportingALayoutRemovesTheGraphsAndDataOfOtherLayouts() throws Exception {
    DecoderWeights w = TestModels.weights(Architecture.GPT2);
    DecoderExporter.export(w.config(), w, dir, Layout.SPLIT, WeightStorage.EXTERNAL_DATA);
    assertTrue(Files.exists(dir.resolve("decoder_model.onnx_data")));
    DecoderExporter.export(w.config(), w, dir, Layout.MERGED, WeightStorage.EXTERNAL_DATA);
    assertTrue(Files.exists(dir.resolve("decoder_model_merged.onnx_data")));
    for (String gone : List.of(DecoderExporter.NO_PAST_FILE, DecoderExporter.WITH_PAST_FILE,
        "decoder_model.onnx_data", "decoder_with_past_model.onnx_data", DecoderExporter.MODEL_FILE)) {
      assertFalse(Files.exists(dir.resolve(gone)), gone + " should be gone");
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Architecture a : List.of(Architecture.GPT2, Architecture.LLAMA)) {
      for (Layout l : List.of(Layout.MERGED, Layout.SPLIT)) {
        for (WeightStorage s : WeightStorage.values()) {
          out.add(Arguments.of(a, l, s));
        }
      }
    }
    return out.stream();
  }

  /** Prefill, then one cached step, through the files of {@code layout} in ONNX Runtime directly. */
  private Step[] prefillAndStep(Architecture a, Layout layout, WeightStorage storage, Path where) throws Exception {
    DecoderWeights w = TestModels.weights(a);
    DecoderExporter.export(w.config(), w, where, layout, storage);
    Path first = where.resolve(switch (layout) {
      case SINGLE -> DecoderExporter.MODEL_FILE;
      case MERGED -> DecoderExporter.MERGED_FILE;
      case SPLIT -> DecoderExporter.NO_PAST_FILE;
    });
    Path second = layout == Layout.SPLIT ? where.resolve(DecoderExporter.WITH_PAST_FILE) : first;
    long[] mask = new long[PROMPT.length + 1];
    java.util.Arrays.fill(mask, 1);
    try (OrtDecoderRunner prefill = new OrtDecoderRunner(first, w.config());
        OrtDecoderRunner step = new OrtDecoderRunner(second, w.config())) {
      Step p = prefill.prefill(PROMPT);
      Step s = step.run(new long[][] {{NEXT}}, new long[][] {mask}, new long[][] {{PROMPT.length}}, p);
      return new Step[] {p, s};
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void layoutComputesTheSingleDecodersLogitsAndCache(Architecture a, Layout layout, WeightStorage storage)
      throws Exception {
    Step[] single = prefillAndStep(a, Layout.SINGLE, WeightStorage.INLINE, dir.resolve("single"));
    Step[] other = prefillAndStep(a, layout, storage, dir.resolve("other"));
    for (int k = 0; k < 2; k++) {
      assertArrayEquals(single[k].logits(), other[k].logits(), 1e-5f, "call " + k);
      assertArrayEquals(single[k].presentShape(), other[k].presentShape(), "call " + k);
      assertArrayEquals(single[k].keys().get(0), other[k].keys().get(0), 1e-5f, "call " + k);
    }
  }
}
