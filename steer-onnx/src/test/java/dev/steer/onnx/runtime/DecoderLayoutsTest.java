package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderExporter.Layout;
import dev.steer.onnx.export.DecoderExporter.WeightStorage;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Optimum layout (merged, split; inline or external weights) of the same GPT-2- and Llama-shaped
 * decoders opens and steers exactly as the single {@code model.onnx} export does.
 */
class DecoderLayoutsTest {
  private static final String PROMPT = "w3 w14 w15 w9 w26";
  private static final int D = 64;

  @TempDir static Path root;
  private static final Map<String, OnnxSteerableModel> OPEN = new HashMap<>();

  @AfterAll
  static void closeModels() {
    OPEN.values().forEach(OnnxSteerableModel::close);
  }

  private static Path export(DecoderWeights weights, Layout layout, WeightStorage storage, Path dir)
      throws IOException {
    DecoderExporter.export(weights.config(), weights, dir, layout, storage);
    WordLevelTokenizerJson.of(TinyModelDirs.words(), true).writeTo(dir);
    return dir;
  }

  private static synchronized OnnxSteerableModel model(Architecture a, Layout layout, WeightStorage storage)
      throws IOException {
    String key = a + "-" + layout + "-" + storage;
    OnnxSteerableModel m = OPEN.get(key);
    if (m == null) {
      m = OnnxSteerableModel.open(export(TinyModelDirs.weights(a), layout, storage, root.resolve(key)));
      OPEN.put(key, m);
    }
    return m;
  }

  private static OnnxSteerableModel single(Architecture a) throws IOException {
    return model(a, Layout.SINGLE, WeightStorage.INLINE);
  }

  static Stream<Arguments> layouts() {
    List<Arguments> out = new ArrayList<>();
    for (Architecture a : List.of(Architecture.GPT2, Architecture.LLAMA)) {
      for (Layout l : List.of(Layout.MERGED, Layout.SPLIT)) {
        for (WeightStorage s : WeightStorage.values()) {
          out.add(Arguments.of(a, l, s));
        }
      }
      out.add(Arguments.of(a, Layout.SINGLE, WeightStorage.EXTERNAL_DATA));
    }
    return out.stream();
  }

  private static SteeringVector randomVector(long seed) {
    Random r = new Random(seed);
    float[] v = new float[D];
    for (int i = 0; i < D; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v);
  }

  private static SteeringPlan plan() {
    return SteeringPlan.builder()
        .add(HookPoint.residPost(0), Additive.of(randomVector(3), 4.0), TokenScope.fromStep(2))
        .add(HookPoint.mlpOut(1), PlaneRotation.of(RotationPlane.orthonormalize(randomVector(11),
            randomVector(12)), 30), TokenScope.prompt())
        .build();
  }

  private static void assertRowsClose(float[][] expected, float[][] actual, float tolerance, String what) {
    assertEquals(expected.length, actual.length, what + ": rows");
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], tolerance, what + ": row " + i);
    }
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void directoryReportsTheLayoutItWasExportedIn(Architecture a, Layout layout, WeightStorage storage)
      throws IOException {
    model(a, layout, storage);
    ModelDirectory dir = ModelDirectory.open(root.resolve(a + "-" + layout + "-" + storage));
    assertEquals(layout.name(), dir.layout().name());
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void unsteeredAndSteeredLogitsEqualTheSingleLayouts(Architecture a, Layout layout, WeightStorage storage)
      throws IOException {
    OnnxSteerableModel m = model(a, layout, storage);
    int[] tokens = m.encode(PROMPT);
    assertRowsClose(single(a).logits(tokens, SteeringPlan.empty()), m.logits(tokens, SteeringPlan.empty()), 1e-5f,
        "unsteered");
    assertRowsClose(single(a).logits(tokens, 3, plan()), m.logits(tokens, 3, plan()), 1e-5f, "steered");
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void steeredCachedGenerationEqualsTheSingleLayouts(Architecture a, Layout layout, WeightStorage storage)
      throws IOException {
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).returnLogits(true).stopTokenIds(Set.of())
        .build();
    Generation expected = single(a).generate(PROMPT, plan(), cfg);
    Generation actual = model(a, layout, storage).generate(PROMPT, plan(), cfg);
    assertArrayEquals(expected.tokens(), actual.tokens());
    assertEquals(expected.stepLogits().size(), actual.stepLogits().size());
    for (int t = 0; t < expected.stepLogits().size(); t++) {
      assertArrayEquals(expected.stepLogits().get(t), actual.stepLogits().get(t), 1e-4f, "step " + t);
    }
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void leftPaddedBatchGenerationEqualsTheSingleLayouts(Architecture a, Layout layout, WeightStorage storage)
      throws IOException {
    List<String> prompts = List.of(PROMPT, "w7 w1", "w40 w41 w42");
    List<SteeringPlan> plans = List.of(plan(), plan(), plan());
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(5).returnLogits(true).stopTokenIds(Set.of())
        .build();
    List<Generation> expected = single(a).generateBatch(prompts, plans, cfg);
    List<Generation> actual = model(a, layout, storage).generateBatch(prompts, plans, cfg);
    for (int r = 0; r < prompts.size(); r++) {
      assertArrayEquals(expected.get(r).tokens(), actual.get(r).tokens(), "row " + r);
      for (int t = 0; t < expected.get(r).stepLogits().size(); t++) {
        assertArrayEquals(expected.get(r).stepLogits().get(t), actual.get(r).stepLogits().get(t), 1e-4f,
            "row " + r + " step " + t);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void capturesEqualTheSingleLayouts(Architecture a, Layout layout, WeightStorage storage) throws IOException {
    List<HookPoint> hooks = List.of(HookPoint.residPost(0), HookPoint.mlpOut(1));
    SteeringPlan steer = SteeringPlan.of(HookPoint.residPost(0), Additive.of(randomVector(5), 3.0), TokenScope.all());
    var expected = single(a).capture(PROMPT, hooks, steer);
    var actual = model(a, layout, storage).capture(PROMPT, hooks, steer);
    for (HookPoint h : hooks) {
      assertRowsClose(expected.at(h), actual.at(h), 1e-5f, h.name());
    }
  }

  @Test
  void splitExportsPrefillWithTheNoPastDecoderAndStepWithTheWithPastDecoder() throws IOException {
    // A split directory whose two files hold different weights shows which file ran each pass.
    Path dir = export(TinyModelDirs.weights(Architecture.GPT2), Layout.SPLIT, WeightStorage.INLINE,
        root.resolve("mixed"));
    DecoderWeights other = DecoderWeights.random(TinyModelDirs.config(Architecture.GPT2), 8);
    Path otherDir = export(other, Layout.SPLIT, WeightStorage.INLINE, root.resolve("other"));
    Files.copy(otherDir.resolve(DecoderExporter.NO_PAST_FILE), dir.resolve(DecoderExporter.NO_PAST_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (OnnxSteerableModel mixed = OnnxSteerableModel.open(dir);
        OnnxSteerableModel prefillModel = OnnxSteerableModel.open(export(other, Layout.SINGLE,
            WeightStorage.INLINE, root.resolve("other-single")))) {
      int[] tokens = mixed.encode(PROMPT);
      assertRowsClose(prefillModel.logits(tokens, SteeringPlan.empty()), mixed.logits(tokens, SteeringPlan.empty()),
          1e-5f, "prefill");
      GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(3).returnLogits(true).stopTokenIds(Set.of())
          .build();
      Generation g = mixed.generate(PROMPT, SteeringPlan.empty(), cfg);
      assertArrayEquals(prefillModel.generate(PROMPT, SteeringPlan.empty(), cfg).stepLogits().get(0),
          g.stepLogits().get(0), 1e-5f, "the first token comes from the prefill");
      float[] fromSingle = prefillModel.generate(PROMPT, SteeringPlan.empty(), cfg).stepLogits().get(1);
      assertNotEquals(java.util.Arrays.toString(fromSingle), java.util.Arrays.toString(g.stepLogits().get(1)),
          "the second token comes from the with-past decoder, whose weights differ");
    }
  }

  private static Path mergedWithIf(String name, UnaryOperator<NodeProto> edit) throws Exception {
    Path dir = export(TinyModelDirs.weights(Architecture.GPT2), Layout.MERGED, WeightStorage.INLINE,
        root.resolve(name));
    Path file = dir.resolve(DecoderExporter.MERGED_FILE);
    ModelProto merged = ModelProto.parseFrom(Files.readAllBytes(file));
    GraphProto.Builder g = merged.getGraph().toBuilder();
    g.setNode(0, edit.apply(g.getNode(0)));
    Files.write(file, merged.toBuilder().setGraph(g).build().toByteArray());
    return dir;
  }

  private static AttributeProto attribute(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
  }

  private static void assertOpensAndMatchesTheSingleExport(Path dir) throws IOException {
    try (OnnxSteerableModel m = OnnxSteerableModel.open(dir)) {
      int[] tokens = m.encode(PROMPT);
      assertRowsClose(single(Architecture.GPT2).logits(tokens, SteeringPlan.empty()),
          m.logits(tokens, SteeringPlan.empty()), 1e-5f, "logits");
      GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(4).returnLogits(true).stopTokenIds(Set.of())
          .build();
      assertArrayEquals(single(Architecture.GPT2).generate(PROMPT, plan(), cfg).tokens(),
          m.generate(PROMPT, plan(), cfg).tokens());
    }
  }

  @Test
  void mergedBranchesAreToldApartByWhatTheyReadNotByTheirOrder() throws Exception {
    Path dir = mergedWithIf("swapped", n -> n.toBuilder().clearAttribute()
        .addAttribute(attribute(n, "else_branch").toBuilder().setName("then_branch"))
        .addAttribute(attribute(n, "then_branch").toBuilder().setName("else_branch"))
        .build());
    assertOpensAndMatchesTheSingleExport(dir);
  }

  @Test
  void branchOutputsNamedUnlikeTheIfOutputsAreConnected() throws Exception {
    UnaryOperator<GraphProto> rename = b -> {
      GraphProto.Builder g = b.toBuilder();
      for (int i = 0; i < g.getNodeCount(); i++) {
        NodeProto.Builder node = g.getNodeBuilder(i);
        for (int k = 0; k < node.getOutputCount(); k++) {
          if (node.getOutput(k).equals("logits")) {
            node.setOutput(k, "branch_logits");
          }
        }
      }
      g.setOutput(0, g.getOutput(0).toBuilder().setName("branch_logits"));
      return g.build();
    };
    Path dir = mergedWithIf("renamed", n -> n.toBuilder().clearAttribute()
        .addAttribute(attribute(n, "then_branch").toBuilder().setG(rename.apply(attribute(n, "then_branch").getG())))
        .addAttribute(attribute(n, "else_branch").toBuilder().setG(rename.apply(attribute(n, "else_branch").getG())))
        .build());
    assertOpensAndMatchesTheSingleExport(dir);
  }

  @Test
  void mergedBranchWithTooFewOutputsIsRejected() throws Exception {
    Path dir = mergedWithIf("short", n -> {
      AttributeProto elseBranch = attribute(n, "else_branch");
      GraphProto.Builder g = elseBranch.getG().toBuilder();
      g.removeOutput(g.getOutputCount() - 1);
      return n.toBuilder().clearAttribute().addAttribute(attribute(n, "then_branch"))
          .addAttribute(elseBranch.toBuilder().setG(g)).build();
    });
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(dir));
    assertTrue(e.getMessage().contains("else_branch of If node 'optimum::if' has 4 outputs but the node has 5"),
        e.getMessage());
  }

  @Test
  void olderOptimumMergedFormWithBranchLocalWeightsAndAnotherFlagNameLoads() throws Exception {
    // Optimum's first merge_decoders kept each decoder's initializers inside its branch and named the flag
    // use_cache; only the structure matters.
    Path dir = export(TinyModelDirs.weights(Architecture.GPT2), Layout.MERGED, WeightStorage.INLINE,
        root.resolve("older"));
    Path file = dir.resolve(DecoderExporter.MERGED_FILE);
    ModelProto merged = ModelProto.parseFrom(Files.readAllBytes(file));
    GraphProto main = merged.getGraph();
    NodeProto n = main.getNode(0);
    NodeProto.Builder ifNode = n.toBuilder().clearAttribute().setInput(0, "use_cache");
    for (String branch : List.of("then_branch", "else_branch")) {
      AttributeProto a = attribute(n, branch);
      ifNode.addAttribute(a.toBuilder().setG(a.getG().toBuilder().addAllInitializer(main.getInitializerList())));
    }
    GraphProto.Builder g = main.toBuilder().clearInitializer().setNode(0, ifNode);
    g.setInput(g.getInputCount() - 1, g.getInput(g.getInputCount() - 1).toBuilder().setName("use_cache"));
    Files.write(file, merged.toBuilder().setGraph(g).build().toByteArray());
    assertOpensAndMatchesTheSingleExport(dir);
  }

  @Test
  void mergedModelWithoutAnElseBranchIsRejectedNamingIt() throws Exception {
    Path dir = mergedWithIf("no-else", n -> {
      NodeProto.Builder b = n.toBuilder().clearAttribute();
      n.getAttributeList().stream().filter(x -> !x.getName().equals("else_branch")).forEach(b::addAttribute);
      return b.build();
    });
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(dir));
    assertTrue(e.getMessage().contains("has no else_branch"), e.getMessage());
    assertTrue(e.getMessage().contains(DecoderExporter.MERGED_FILE), e.getMessage());
  }

  @Test
  void mergedModelWhoseBranchesAreAlikeIsRejectedAsAmbiguous() throws Exception {
    Path dir = mergedWithIf("twins", n -> {
      NodeProto.Builder b = n.toBuilder().clearAttribute();
      var then = n.getAttributeList().stream().filter(x -> x.getName().equals("then_branch")).findFirst()
          .orElseThrow();
      b.addAttribute(then).addAttribute(then.toBuilder().setName("else_branch"));
      return b.build();
    });
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(dir));
    assertTrue(e.getMessage().contains("cannot tell the with-past branch"), e.getMessage());
  }

  @Test
  void mergedModelWithoutAnIfOnABoolInputIsRejected() throws Exception {
    Path dir = mergedWithIf("no-if", n -> n.toBuilder().setInput(0, "attention_mask").build());
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(dir));
    assertTrue(e.getMessage().contains("exactly one If node on a bool graph input"), e.getMessage());
  }
}
