package dev.steer.onnx.graph;

import static dev.steer.onnx.graph.SteeringFixtures.IDS;
import static dev.steer.onnx.graph.SteeringFixtures.MASK;
import static dev.steer.onnx.graph.SteeringFixtures.NO_MASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.graph.TinyTransformers.Norm;
import dev.steer.onnx.graph.TinyTransformers.TinyModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GraphRewriterTest {
  private static final int D = TinyTransformers.HIDDEN;

  @Test
  void capturedHookPointsHaveStreamShapeAndAddUpAlongTheStream() throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 11);
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    ModelProto rewritten = GraphRewriter.rewrite(tiny.model(), map, map.hookPoints(), List.of());

    Map<String, float[][][]> out;
    try (OrtSession s = Ort.session(rewritten)) {
      out = Ort.run(s, Map.of("input_ids", IDS));
    }

    for (HookPoint h : map.hookPoints()) {
      float[][][] t = out.get(h.name());
      assertEquals(2, t.length, h.name());
      assertEquals(5, t[0].length, h.name());
      assertEquals(D, t[0][0].length, h.name());
    }
    for (int l = 0; l < 2; l++) {
      assertSum(out.get(HookPoint.residPre(l).name()), out.get(HookPoint.attnOut(l).name()), out.get(HookPoint.residMid(l).name()));
      assertSum(out.get(HookPoint.residMid(l).name()), out.get(HookPoint.mlpOut(l).name()), out.get(HookPoint.residPost(l).name()));
    }
    assertEquals(0f, Ort.maxAbsDiff(out.get("blocks.0.hook_resid_post"), out.get("blocks.1.hook_resid_pre")));
  }

  @ParameterizedTest
  @EnumSource(InterventionKind.class)
  void steeredHookEqualsTheFormulaOnMaskedRowsAndIsUntouchedElsewhere(InterventionKind kind) throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.DECOMPOSED_RMS_NORM, 12);
    HookPoint hook = HookPoint.residMid(1);
    SteeringSlot slot = SteeringSlot.of(hook, kind);
    List<Map<SteeringParameter, Object>> values = List.of(SteeringFixtures.values(kind, D, 99));

    float[][][][] unsteeredAndSteered = runTwice(tiny, slot, values, hook);

    assertMatchesReference(slot, values, unsteeredAndSteered[0], unsteeredAndSteered[1]);
  }

  @Test
  void adaptiveAngularRotationLeavesRowsFacingAwayFromB1Unchanged() throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 13);
    HookPoint hook = HookPoint.residPost(0);
    SteeringSlot slot = SteeringSlot.of(hook, InterventionKind.ANGULAR_ROTATION);
    Map<SteeringParameter, Object> v = SteeringFixtures.values(InterventionKind.ANGULAR_ROTATION, D, 5);
    List<Map<SteeringParameter, Object>> values = List.of(v);

    float[][][][] hs = runTwice(tiny, slot, values, hook);

    int facing = 0;
    int away = 0;
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 5; t++) {
        double p1 = ReferenceSteering.dot(SteeringFixtures.toDouble(hs[0][b][t]), SteeringFixtures.toDouble((float[]) v.get(SteeringParameter.B1)));
        if (MASK[b][t] == 1) {
          if (p1 > 0) {
            facing++;
          } else {
            away++;
            assertArrayEquals(hs[0][b][t], hs[1][b][t], "row " + b + "," + t);
          }
        }
      }
    }
    assertTrue(facing > 0 && away > 0, "fixture must have masked rows on both sides: " + facing + "/" + away);
    assertMatchesReference(slot, values, hs[0], hs[1]);
  }

  @Test
  void slerpTowardsADirectionOppositeToTheRowUsesTheLeastAlignedAxis() throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(1, Norm.LAYER_NORM_OP, 14);
    HookPoint hook = HookPoint.residPost(0);
    SteeringSlot slot = SteeringSlot.of(hook, InterventionKind.SLERP_TOWARDS);
    float[][][] unsteered;
    ModelProto rewritten = GraphRewriter.rewrite(tiny.model(), ResidualStreamMap.discover(tiny.model()), Set.of(hook), List.of(slot));
    try (OrtSession s = Ort.session(rewritten)) {
      Map<SteeringParameter, Object> v = SteeringFixtures.values(InterventionKind.SLERP_TOWARDS, D, 3);
      unsteered = Ort.run(s, SteeringFixtures.inputs(slot, NO_MASK, List.of(v))).get(hook.name());
      float[] opposite = unsteered[0][0].clone();
      for (int i = 0; i < D; i++) {
        opposite[i] = -opposite[i];
      }
      v.put(SteeringParameter.TARGET, opposite);
      float[][][] steered = Ort.run(s, SteeringFixtures.inputs(slot, MASK, List.of(v))).get(hook.name());
      assertMatchesReference(slot, List.of(v), unsteered, steered);
    }
  }

  @Test
  void interventionsAtOneHookPointComposeInOrder() throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.SIMPLIFIED_LAYER_NORM, 15);
    HookPoint hook = HookPoint.attnOut(1);
    SteeringSlot slot = SteeringSlot.of(hook, InterventionKind.ADDITIVE, InterventionKind.ABLATION, InterventionKind.PLANE_ROTATION);
    List<Map<SteeringParameter, Object>> values =
        List.of(
            SteeringFixtures.values(InterventionKind.ADDITIVE, D, 1),
            SteeringFixtures.values(InterventionKind.ABLATION, D, 2),
            SteeringFixtures.values(InterventionKind.PLANE_ROTATION, D, 3));

    float[][][][] hs = runTwice(tiny, slot, values, hook);

    assertMatchesReference(slot, values, hs[0], hs[1]);
  }

  @ParameterizedTest
  @EnumSource(Norm.class)
  void withEveryMaskZeroTheRewrittenPreNormGraphComputesTheOriginalOutput(Norm norm) throws OrtException {
    assertIdentityWhenMasksAreZero(TinyTransformers.preNorm(2, norm, 16));
  }

  /**
   * Half-precision exports often declare no types on intermediate tensors; the stream's type must then be
   * read upstream (here from the fp16 weights), not taken for float32: the edit is computed in float32
   * between casts from and back to float16.
   */
  @Test
  void aHalfPrecisionStreamWithUndeclaredTypesIsEditedInFloat32BetweenCasts() {
    ModelProto half = withInitializersRetyped(TensorProto.DataType.FLOAT16_VALUE);
    ResidualStreamMap map = ResidualStreamMap.discover(half);
    ModelProto rewritten = GraphRewriter.rewrite(half, map, Set.of(HookPoint.residMid(0)),
        List.of(SteeringSlot.of(HookPoint.residMid(0), InterventionKind.ADDITIVE)));
    List<Long> castTargets = rewritten.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Cast") && n.getName().startsWith("steer/"))
        .map(n -> n.getAttribute(0).getI())
        .toList();
    // into float32 for the edit, back to float16 for the model, into float32 for the capture
    assertEquals(List.of((long) TensorProto.DataType.FLOAT_VALUE, (long) TensorProto.DataType.FLOAT16_VALUE,
        (long) TensorProto.DataType.FLOAT_VALUE), castTargets);
  }

  @Test
  void aDoublePrecisionStreamIsRefusedWithItsType() {
    ModelProto wide = withInitializersRetyped(TensorProto.DataType.DOUBLE_VALUE);
    ResidualStreamMap map = ResidualStreamMap.discover(wide);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphRewriter.rewrite(wide, map,
        Set.of(), List.of(SteeringSlot.of(HookPoint.residMid(0), InterventionKind.ADDITIVE))));
    assertTrue(e.getMessage().contains("DOUBLE") && e.getMessage().contains("float16"), e.getMessage());
  }

  /** A tiny model with no declared intermediate types whose float initializers claim element type {@code type}. */
  private static ModelProto withInitializersRetyped(int type) {
    ModelProto model = TinyTransformers.preNorm(1, Norm.LAYER_NORM_OP, 1).model();
    ai.onnx.proto.OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder().clearValueInfo();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
        // only the declared type matters to the rewriter; the bytes stay as they were
        g.setInitializer(i, t.toBuilder().setDataType(type));
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  @Test
  void withEveryMaskZeroTheRewrittenPostNormGraphComputesTheOriginalOutput() throws OrtException {
    assertIdentityWhenMasksAreZero(TinyTransformers.postNorm(2, 17));
  }

  @Test
  void withEveryMaskZeroTheRewrittenFusedGenAiGraphComputesTheOriginalOutput() throws OrtException {
    assertIdentityWhenMasksAreZero(TinyTransformers.genAi(2, true, 18));
  }

  @Test
  void steeringTheSumsInsideFusedSkipNormsMatchesTheUnfusedTwin() throws OrtException {
    TinyModel fused = TinyTransformers.genAi(2, true, 19);
    TinyModel unfused = TinyTransformers.genAi(2, false, 19);
    List<SteeringSlot> slots =
        List.of(
            SteeringSlot.of(HookPoint.residMid(0), InterventionKind.ADDITIVE),
            SteeringSlot.of(HookPoint.residPost(1), InterventionKind.CLAMP));
    Map<String, Object> in = new HashMap<>();
    in.put("input_ids", IDS);
    for (SteeringSlot slot : slots) {
      in.put(slot.maskInputName(0), MASK);
      InterventionKind kind = slot.kinds().get(0);
      SteeringFixtures.values(kind, D, 7).forEach((p, v) -> in.put(slot.inputName(0, p), SteeringFixtures.feed(v)));
    }

    Map<String, float[][][]> a = runRewritten(fused.model(), slots, in);
    Map<String, float[][][]> b = runRewritten(unfused.model(), slots, in);

    for (String name : b.keySet()) {
      assertTrue(Ort.maxAbsDiff(a.get(name), b.get(name)) <= 1e-5f, name + ": " + Ort.maxAbsDiff(a.get(name), b.get(name)));
    }
    assertEquals(11, b.size()); // logits + 10 hook points
  }

  @Test
  void withEveryMaskZeroTheRewrittenFusedBertGraphComputesTheOriginalOutput() throws OrtException {
    assertIdentityWhenMasksAreZero(TinyTransformers.bertFused(2, true, 22));
  }

  @Test
  void steeringBranchesWhoseBiasIsFusedIntoSkipLayerNormMatchesTheUnfusedTwin() throws OrtException {
    TinyModel fused = TinyTransformers.bertFused(2, true, 23);
    TinyModel unfused = TinyTransformers.bertFused(2, false, 23);
    List<SteeringSlot> slots =
        List.of(
            SteeringSlot.of(HookPoint.attnOut(0), InterventionKind.ADDITIVE),
            SteeringSlot.of(HookPoint.residMid(1), InterventionKind.ABLATION),
            SteeringSlot.of(HookPoint.mlpOut(1), InterventionKind.CLAMP));
    Map<String, Object> in = new HashMap<>();
    in.put("input_ids", IDS);
    for (SteeringSlot slot : slots) {
      in.put(slot.maskInputName(0), MASK);
      SteeringFixtures.values(slot.kinds().get(0), D, 8)
          .forEach((p, v) -> in.put(slot.inputName(0, p), SteeringFixtures.feed(v)));
    }

    Map<String, float[][][]> a = runRewritten(fused.model(), slots, in);
    Map<String, float[][][]> b = runRewritten(unfused.model(), slots, in);

    assertEquals(ResidualStreamMap.NormPlacement.POST, ResidualStreamMap.discover(fused.model()).normPlacement());
    assertEquals(11, b.size()); // the output + 10 hook points
    for (HookPoint h : ResidualStreamMap.discover(unfused.model()).hookPoints()) {
      String name = h.name();
      assertTrue(Ort.maxAbsDiff(a.get(name), b.get(name)) <= 1e-5f, name + ": " + Ort.maxAbsDiff(a.get(name), b.get(name)));
    }
    float outputDiff = Ort.maxAbsDiff(a.get(fused.output()), b.get(unfused.output()));
    assertTrue(outputDiff <= 1e-5f, "output: " + outputDiff);
  }

  @Test
  void steeringAStreamThatIsAGraphInputRewiresItsConsumers() throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 24);
    String cut = tiny.expected().get(HookPoint.residPost(0));
    ModelProto suffix = GraphCut.suffix(tiny.model(), cut, D);
    ResidualStreamMap map = ResidualStreamMap.discover(suffix);
    assertEquals(1, map.layers());
    assertEquals(cut, map.tensorName(HookPoint.residPre(0)));
    SteeringSlot slot = SteeringSlot.of(HookPoint.residPre(0), InterventionKind.ADDITIVE);
    Map<SteeringParameter, Object> v = SteeringFixtures.values(InterventionKind.ADDITIVE, D, 4);
    float[][][] h = new float[2][5][];
    float[][][] edited = new float[2][5][];
    java.util.Random r = new java.util.Random(4);
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 5; t++) {
        h[b][t] = SteeringFixtures.gaussian(D, r);
        edited[b][t] = h[b][t].clone();
        for (int i = 0; i < D && MASK[b][t] != 0; i++) {
          edited[b][t][i] += (Float) v.get(SteeringParameter.ALPHA) * ((float[]) v.get(SteeringParameter.VECTOR))[i];
        }
      }
    }
    Map<String, Object> in = new HashMap<>();
    in.put(cut, h);
    in.put(slot.maskInputName(0), MASK);
    v.forEach((p, value) -> in.put(slot.inputName(0, p), SteeringFixtures.feed(value)));

    float[][][] expected;
    float[][][] steered;
    try (OrtSession s = Ort.session(suffix)) {
      expected = Ort.run(s, Map.of(cut, edited)).get(tiny.output());
    }
    try (OrtSession s = Ort.session(GraphRewriter.rewrite(suffix, map, Set.of(), List.of(slot)))) {
      steered = Ort.run(s, in).get(tiny.output());
    }

    // The two graphs differ after the edit, so ONNX Runtime may fuse the block's ops differently: allow
    // float rounding, nothing more.
    assertTrue(Ort.maxAbsDiff(expected, steered) <= 1e-6f, "max abs diff " + Ort.maxAbsDiff(expected, steered));
  }

  @Test
  void slotsOnHookPointsSharingATensorApplyInHookOrderAndCapturesSeeTheEditsUpToTheirHook()
      throws OrtException {
    TinyModel tiny = TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 26);
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    SteeringSlot post0 = SteeringSlot.of(HookPoint.residPost(0), InterventionKind.ADDITIVE);
    SteeringSlot pre1 = SteeringSlot.of(HookPoint.residPre(1), InterventionKind.CLAMP);
    Map<SteeringParameter, Object> add = SteeringFixtures.values(InterventionKind.ADDITIVE, D, 1);
    Map<SteeringParameter, Object> clamp = SteeringFixtures.values(InterventionKind.CLAMP, D, 2);
    Map<String, Object> in = new HashMap<>(SteeringFixtures.inputs(post0, MASK, List.of(add)));
    in.putAll(SteeringFixtures.inputs(pre1, MASK, List.of(clamp)));
    Map<String, Object> off = new HashMap<>(in);
    off.put(post0.maskInputName(0), NO_MASK);
    off.put(pre1.maskInputName(0), NO_MASK);
    HookPoint mlp0 = HookPoint.mlpOut(0);
    List<HookPoint> captures = List.of(HookPoint.residMid(0), mlp0, HookPoint.residPost(0), HookPoint.residPre(1));

    Map<String, float[][][]> steered;
    Map<String, float[][][]> unsteered;
    try (OrtSession s = Ort.session(GraphRewriter.rewrite(tiny.model(), map, captures, List.of(post0, pre1)))) {
      steered = Ort.run(s, in);
      unsteered = Ort.run(s, off);
    }

    float[][][] h = unsteered.get("blocks.0.hook_resid_post");
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 5; t++) {
        double[] afterAdd = SteeringFixtures.toDouble(h[b][t]);
        if (MASK[b][t] != 0) {
          afterAdd = ReferenceSteering.apply(InterventionKind.ADDITIVE, afterAdd, add);
        }
        double[] afterClamp =
            MASK[b][t] != 0 ? ReferenceSteering.apply(InterventionKind.CLAMP, afterAdd, clamp) : afterAdd;
        assertArrayEquals(SteeringFixtures.toFloat(afterAdd), steered.get("blocks.0.hook_resid_post")[b][t], 1e-5f);
        assertArrayEquals(SteeringFixtures.toFloat(afterClamp), steered.get("blocks.1.hook_resid_pre")[b][t], 1e-5f);
      }
    }
    assertEquals(0f, Ort.maxAbsDiff(unsteered.get(mlp0.name()), steered.get(mlp0.name())), "upstream is untouched");
  }

  @Test
  void rejectsTwoSlotsAtOneHookPoint() {
    TinyModel tiny = TinyTransformers.preNorm(1, Norm.LAYER_NORM_OP, 20);
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    SteeringSlot slot = SteeringSlot.of(HookPoint.residPost(0), InterventionKind.ADDITIVE);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GraphRewriter.rewrite(tiny.model(), map, Set.of(), List.of(slot, slot)));
    assertEquals("two steering slots at blocks.0.hook_resid_post", e.getMessage());
  }

  @Test
  void rejectsAMapFromAnotherGraph() {
    ResidualStreamMap map = ResidualStreamMap.discover(TinyTransformers.preNorm(1, Norm.LAYER_NORM_OP, 21).model());
    ModelProto other = TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 21).model();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GraphRewriter.rewrite(other, map, Set.of(), List.of()));
    assertTrue(e.getMessage().startsWith("the residual-stream map was discovered in a graph of"), e.getMessage());
  }

  private static Map<String, float[][][]> runRewritten(ModelProto model, List<SteeringSlot> slots, Map<String, Object> in)
      throws OrtException {
    ResidualStreamMap map = ResidualStreamMap.discover(model);
    try (OrtSession s = Ort.session(GraphRewriter.rewrite(model, map, map.hookPoints(), slots))) {
      return Ort.run(s, in);
    }
  }

  /** Every kind at several hook points, all masks zero: outputs must equal the original model's. */
  private static void assertIdentityWhenMasksAreZero(TinyModel tiny) throws OrtException {
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    List<SteeringSlot> slots = new ArrayList<>();
    List<HookPoint> hooks = map.hookPoints();
    InterventionKind[] kinds = InterventionKind.values();
    for (int i = 0; i < hooks.size(); i++) {
      slots.add(SteeringSlot.of(hooks.get(i), kinds[i % kinds.length], kinds[(i + 1) % kinds.length]));
    }
    Map<String, Object> in = new HashMap<>();
    in.put("input_ids", IDS);
    for (SteeringSlot slot : slots) {
      for (int step = 0; step < slot.kinds().size(); step++) {
        int s = step;
        in.put(slot.maskInputName(step), NO_MASK);
        SteeringFixtures.values(slot.kinds().get(step), D, step)
            .forEach((p, v) -> in.put(slot.inputName(s, p), SteeringFixtures.feed(v)));
      }
    }
    float[][][] original;
    float[][][] rewritten;
    try (OrtSession s = Ort.session(tiny.model())) {
      original = Ort.run(s, Map.of("input_ids", IDS)).get(tiny.output());
    }
    try (OrtSession s = Ort.session(GraphRewriter.rewrite(tiny.model(), map, Set.of(), slots))) {
      rewritten = Ort.run(s, in).get(tiny.output());
    }
    assertTrue(Ort.maxAbsDiff(original, rewritten) <= 1e-6f, "max abs diff " + Ort.maxAbsDiff(original, rewritten));
  }

  /** Runs the slot with all-zero masks, then with {@link SteeringFixtures#MASK}; returns both captures. */
  private static float[][][][] runTwice(
      TinyModel tiny, SteeringSlot slot, List<Map<SteeringParameter, Object>> values, HookPoint hook) throws OrtException {
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    ModelProto rewritten = GraphRewriter.rewrite(tiny.model(), map, Set.of(hook), List.of(slot));
    try (OrtSession s = Ort.session(rewritten)) {
      float[][][] unsteered = Ort.run(s, SteeringFixtures.inputs(slot, NO_MASK, values)).get(hook.name());
      float[][][] steered = Ort.run(s, SteeringFixtures.inputs(slot, MASK, values)).get(hook.name());
      return new float[][][][] {unsteered, steered};
    }
  }

  private static void assertMatchesReference(
      SteeringSlot slot, List<Map<SteeringParameter, Object>> values, float[][][] unsteered, float[][][] steered) {
    double maxErr = 0;
    for (int b = 0; b < unsteered.length; b++) {
      for (int t = 0; t < unsteered[b].length; t++) {
        if (MASK[b][t] == 0) {
          assertArrayEquals(unsteered[b][t], steered[b][t], "unmasked row " + b + "," + t + " must not change");
          continue;
        }
        double[] expected = SteeringFixtures.toDouble(unsteered[b][t]);
        for (int step = 0; step < slot.kinds().size(); step++) {
          expected = ReferenceSteering.apply(slot.kinds().get(step), expected, values.get(step));
        }
        for (int i = 0; i < expected.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(expected[i] - steered[b][t][i]));
        }
      }
    }
    assertTrue(maxErr <= 2e-5, slot + ": max abs error " + maxErr);
    boolean changed = false;
    for (int b = 0; b < unsteered.length; b++) {
      for (int t = 0; t < unsteered[b].length; t++) {
        changed |= !java.util.Arrays.equals(unsteered[b][t], steered[b][t]);
      }
    }
    assertTrue(changed, "steering must change some row");
  }

  private static void assertSum(float[][][] a, float[][][] b, float[][][] sum) {
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        for (int k = 0; k < a[i][j].length; k++) {
          assertEquals(a[i][j][k] + b[i][j][k], sum[i][j][k], 0f);
        }
      }
    }
  }
}
