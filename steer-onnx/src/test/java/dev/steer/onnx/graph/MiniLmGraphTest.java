package dev.steer.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.graph.ResidualStreamMap.NormPlacement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretrained all-MiniLM-L6-v2 export shipped in langchain4j's jar (PyTorch 2.0 export, opset 11, post-norm
 * BERT with LayerNorm decomposed into ReduceMean/Sub/Pow/Sqrt/Div): a graph nobody in this project wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MiniLmGraphTest {
  private static final long[][] IDS = {{101, 7592, 2088, 102}};
  private static final long[][] ATTENTION = {{1, 1, 1, 1}};
  private static final long[][] TYPES = {{0, 0, 0, 0}};
  private static final float[][] MASK = {{0, 1, 1, 0}};
  private static final float[][] NO_MASK = {{0, 0, 0, 0}};
  private static final HookPoint STEERED = HookPoint.residPost(2);
  private static final float ALPHA = 0.5f;

  private ModelProto model;
  private ResidualStreamMap map;
  private SteeringSlot slot;
  private float[] vector;
  private OrtSession original;
  private OrtSession rewritten;
  private OrtSession suffix;

  @BeforeAll
  void load() throws IOException, OrtException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
      assertNotNull(in, "all-minilm-l6-v2.onnx on the test classpath");
      model = ModelProto.parseFrom(in);
    }
    map = ResidualStreamMap.discover(model);
    slot = SteeringSlot.of(STEERED, InterventionKind.ADDITIVE);
    vector = SteeringFixtures.gaussian(384, new Random(42));
    original = Ort.session(model);
    rewritten = Ort.session(GraphRewriter.rewrite(model, map, map.hookPoints(), List.of(slot)));
    suffix = Ort.session(GraphCut.suffix(model, map.tensorName(STEERED), map.hiddenSize()));
  }

  @AfterAll
  void close() throws OrtException {
    for (OrtSession s : new OrtSession[] {original, rewritten, suffix}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void mapsSixPostNormBlocksOfWidth384() {
    assertEquals(6, map.layers());
    assertEquals(384, map.hiddenSize());
    assertEquals(NormPlacement.POST, map.normPlacement());
    assertEquals("/embeddings/LayerNorm/Add_1_output_0", map.tensorName(HookPoint.residPre(0)));
    assertEquals("/encoder/layer.0/attention/output/dense/Add_output_0", map.tensorName(HookPoint.attnOut(0)));
    assertEquals("/encoder/layer.0/attention/output/LayerNorm/Add_1_output_0", map.tensorName(HookPoint.residMid(0)));
    assertEquals("/encoder/layer.0/output/dense/Add_output_0", map.tensorName(HookPoint.mlpOut(0)));
    assertEquals("last_hidden_state", map.tensorName(HookPoint.residPost(5)));
    assertEquals(12, map.residualNodes().size());
    assertTrue(map.residualNodes().get(0).startsWith("'/encoder/layer.0/attention/output/Add' (Add,"), map.residualNodes().get(0));
    assertTrue(map.residualNodes().get(11).startsWith("'/encoder/layer.5/output/Add' (Add,"), map.residualNodes().get(11));
  }

  @Test
  void theMapDoesNotDependOnNodeNames() {
    ModelProto.Builder anonymous = model.toBuilder();
    anonymous.getGraphBuilder().getNodeBuilderList().forEach(n -> n.setName(""));

    ResidualStreamMap again = ResidualStreamMap.discover(anonymous.build());

    for (HookPoint h : map.hookPoints()) {
      assertEquals(map.tensorName(h), again.tensorName(h), h.name());
    }
  }

  @Test
  void mapsTheOnnxRuntimeOptimisedGraphOntoTheSameTensors(@TempDir Path dir) throws IOException, OrtException {
    // ORT's extended optimisations fuse LayerNormalization, FusedMatMul (q·kᵀ) and BiasGelu
    Path optimised = dir.resolve("minilm-optimised.onnx");
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
      options.setOptimizedModelFilePath(optimised.toString());
      Ort.ENV.createSession(model.toByteArray(), options).close();
    }
    ModelProto fused = ModelProto.parseFrom(Files.readAllBytes(optimised));
    assertTrue(fused.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("LayerNormalization")));

    ResidualStreamMap again = ResidualStreamMap.discover(fused);

    assertEquals(NormPlacement.POST, again.normPlacement());
    for (HookPoint h : map.hookPoints()) {
      assertEquals(map.tensorName(h), again.tensorName(h), h.name());
    }
  }

  @Test
  void capturesEveryHookPointAndTheLastResidPostIsTheFinalHiddenState() throws OrtException {
    Map<String, float[][][]> out = Ort.run(rewritten, inputs(NO_MASK));

    assertEquals(30 + 1, out.size());
    for (HookPoint h : map.hookPoints()) {
      float[][][] t = out.get(h.name());
      assertEquals(List.of(1, 4, 384), List.of(t.length, t[0].length, t[0][0].length), h.name());
    }
    assertEquals(0f, Ort.maxAbsDiff(out.get("blocks.5.hook_resid_post"), out.get("last_hidden_state")));
  }

  @Test
  void withTheMaskZeroTheRewrittenGraphComputesTheOriginalHiddenStates() throws OrtException {
    float[][][] expected = Ort.run(original, baseInputs()).get("last_hidden_state");
    float[][][] actual = Ort.run(rewritten, inputs(NO_MASK)).get("last_hidden_state");

    assertTrue(Ort.maxAbsDiff(expected, actual) <= 1e-6f, "max abs diff " + Ort.maxAbsDiff(expected, actual));
  }

  @Test
  void additiveSteeringAtOneBlockEqualsEditingTheCapturedStreamAndRunningTheRestOfTheGraph() throws OrtException {
    float[][][] h = Ort.run(rewritten, inputs(NO_MASK)).get(STEERED.name());
    float[][][] edited = new float[1][4][];
    for (int t = 0; t < 4; t++) {
      edited[0][t] = h[0][t].clone();
      if (MASK[0][t] != 0) {
        for (int i = 0; i < 384; i++) {
          edited[0][t][i] += ALPHA * vector[i];
        }
      }
    }
    Map<String, Object> suffixIn = new HashMap<>();
    for (String name : suffix.getInputNames()) {
      suffixIn.put(name, name.equals(map.tensorName(STEERED)) ? edited : baseInputs().get(name));
    }
    float[][][] expected = Ort.run(suffix, suffixIn).get("last_hidden_state");
    Map<String, float[][][]> steered = Ort.run(rewritten, inputs(MASK));

    float err = Ort.maxAbsDiff(expected, steered.get("last_hidden_state"));
    assertTrue(err <= 1e-4f, "max abs error " + err);
    assertTrue(Ort.maxAbsDiff(h, steered.get(STEERED.name())) > 1f, "the edit must be visible at the hook");
    assertTrue(Ort.maxAbsDiff(steered.get("last_hidden_state"), Ort.run(original, baseInputs()).get("last_hidden_state")) > 0.1f,
        "the edit must reach the output");
  }

  private Map<String, Object> baseInputs() {
    return Map.of("input_ids", IDS, "attention_mask", ATTENTION, "token_type_ids", TYPES);
  }

  private Map<String, Object> inputs(float[][] mask) {
    Map<String, Object> in = new HashMap<>(baseInputs());
    in.put(slot.maskInputName(0), mask);
    in.put(slot.inputName(0, SteeringParameter.VECTOR), SteeringFixtures.feed(vector));
    in.put(slot.inputName(0, SteeringParameter.ALPHA), SteeringFixtures.feed(ALPHA));
    return in;
  }
}
