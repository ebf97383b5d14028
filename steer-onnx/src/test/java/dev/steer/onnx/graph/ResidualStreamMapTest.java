package dev.steer.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.onnx.graph.ResidualStreamMap.NormPlacement;
import dev.steer.onnx.graph.TinyTransformers.Norm;
import dev.steer.onnx.graph.TinyTransformers.TinyModel;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ResidualStreamMapTest {

  @ParameterizedTest
  @EnumSource(Norm.class)
  void mapsEveryHookPointOfAPreNormDecoderWhateverTheNormLooksLike(Norm norm) {
    TinyModel tiny = TinyTransformers.preNorm(3, norm, 1);

    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());

    assertEquals(3, map.layers());
    assertEquals(TinyTransformers.HIDDEN, map.hiddenSize());
    assertEquals(NormPlacement.PRE, map.normPlacement());
    assertHookTensors(tiny.expected(), map);
  }

  @Test
  void doesNotRelyOnTheNodeListBeingInTopologicalOrder() {
    TinyModel tiny = TinyTransformers.preNorm(3, Norm.DECOMPOSED_LAYER_NORM, 27);
    var reversed = tiny.model().toBuilder();
    var nodes = new java.util.ArrayList<>(reversed.getGraph().getNodeList());
    java.util.Collections.reverse(nodes);
    reversed.getGraphBuilder().clearNode().addAllNode(nodes);

    ResidualStreamMap map = ResidualStreamMap.discover(reversed.build());

    assertHookTensors(tiny.expected(), map);
  }

  @Test
  void mapsAPostNormEncoderOntoTheNormalisedStream() {
    TinyModel tiny = TinyTransformers.postNorm(2, 2);

    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());

    assertEquals(2, map.layers());
    assertEquals(NormPlacement.POST, map.normPlacement());
    assertHookTensors(tiny.expected(), map);
    assertEquals("last_hidden_state", map.tensorName(HookPoint.residPost(1)));
  }

  @Test
  void mapsTheGenAiSkipSimplifiedLayerNormFormOntoOutput3() {
    TinyModel tiny = TinyTransformers.genAi(2, true, 3);

    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());

    assertEquals(2, map.layers());
    assertEquals(NormPlacement.PRE, map.normPlacement());
    for (Map.Entry<HookPoint, String> e : tiny.expected().entrySet()) {
      if (e.getValue() != null) {
        assertEquals(e.getValue(), map.tensorName(e.getKey()), e.getKey().name());
      }
    }
    // the final fused norm names no sum: the map names one for the rewriter to request
    String lastPost = map.tensorName(HookPoint.residPost(1));
    assertFalse(new GraphIndex(tiny.model().getGraph()).isKnownTensor(lastPost), lastPost);
    assertTrue(lastPost.endsWith("/input_skip_bias_sum"), lastPost);
  }

  @Test
  void mapsTheOptimisedBertFormWithBiasesInsideSkipLayerNorm() {
    TinyModel tiny = TinyTransformers.bertFused(2, true, 10);

    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());

    assertEquals(NormPlacement.POST, map.normPlacement());
    for (Map.Entry<HookPoint, String> e : tiny.expected().entrySet()) {
      if (e.getValue() != null) {
        assertEquals(e.getValue(), map.tensorName(e.getKey()), e.getKey().name());
      }
    }
    // branch outputs include the fused bias: the map names the explicit sum the rewriter will compute
    String attnOut = map.tensorName(HookPoint.attnOut(0));
    assertTrue(attnOut.endsWith("/with_bias"), attnOut);
    assertFalse(new GraphIndex(tiny.model().getGraph()).isKnownTensor(attnOut), attnOut);
  }

  @Test
  void findsTheHiddenSizeFromWeightsWhenNoShapeIsDeclared() {
    TinyModel tiny = TinyTransformers.preNorm(1, Norm.LAYER_NORM_OP, 4);
    var model = tiny.model().toBuilder();
    model.getGraphBuilder().clearOutput();
    model.getGraphBuilder().addOutput(
        ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(tiny.output()));

    assertEquals(TinyTransformers.HIDDEN, ResidualStreamMap.discover(model.build()).hiddenSize());
  }

  @Test
  void rejectsAnImplausibleDeclaredHiddenSize() {
    TinyModel tiny = TinyTransformers.postNorm(1, 4);
    var model = tiny.model().toBuilder();
    model.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
        .getDimBuilder(2).setDimValue(1L << 40);

    GraphMappingException e =
        assertThrows(GraphMappingException.class, () -> ResidualStreamMap.discover(model.build()));

    assertTrue(e.getMessage().startsWith("implausible hidden size 1099511627776"), e.getMessage());
  }

  @Test
  void rejectsConflictingDeclaredHiddenSizes() {
    TinyModel tiny = TinyTransformers.postNorm(1, 4);
    var model = tiny.model().toBuilder();
    model.getGraphBuilder().addValueInfo(
        GraphRewriter.floatInput(
            tiny.expected().get(HookPoint.attnOut(0)),
            ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(9).build()));

    GraphMappingException e =
        assertThrows(GraphMappingException.class, () -> ResidualStreamMap.discover(model.build()));

    assertTrue(e.getMessage().startsWith("conflicting hidden sizes: {8=declared shape of"), e.getMessage());
  }

  @Test
  void reportsWhereTheResidualChainBreaks() {
    TinyModel tiny = TinyTransformers.brokenChain(5);

    GraphMappingException e =
        assertThrows(GraphMappingException.class, () -> ResidualStreamMap.discover(tiny.model()));

    assertTrue(e.getMessage().contains("residual chain breaks"), e.getMessage());
    assertTrue(e.getMessage().contains("a chain of 3 adds"), e.getMessage());
    assertTrue(e.getMessage().contains("output '" + tiny.notes().get(0) + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("a separate chain of 2 adds"), e.getMessage());
  }

  @Test
  void reportsAGraphWithoutResidualAdds() {
    GraphMappingException e =
        assertThrows(
            GraphMappingException.class,
            () -> ResidualStreamMap.discover(TinyTransformers.noResidual(6).model()));

    assertTrue(e.getMessage().startsWith("found 0 candidate residual adds among"), e.getMessage());
  }

  @Test
  void aSoftmaxRouterInTheMlpDoesNotMakeItLookLikeAttention() {
    TinyModel tiny = TinyTransformers.routedMlp(25);

    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());

    assertEquals(1, map.layers());
    assertEquals(tiny.expected().get(HookPoint.mlpOut(0)), map.tensorName(HookPoint.mlpOut(0)));
  }

  @Test
  void rejectsABlockWhoseFirstBranchIsNotAttention() {
    GraphMappingException e =
        assertThrows(
            GraphMappingException.class,
            () -> ResidualStreamMap.discover(TinyTransformers.mlpBeforeAttention(7).model()));

    assertTrue(e.getMessage().startsWith("block 0: expected the first residual add"), e.getMessage());
    assertTrue(e.getMessage().endsWith("is first=0, second=2"), e.getMessage());
  }

  @Test
  void residPostOfOneBlockIsResidPreOfTheNext() {
    ResidualStreamMap map = ResidualStreamMap.discover(TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 8).model());

    assertEquals(map.tensorName(HookPoint.residPost(0)), map.tensorName(HookPoint.residPre(1)));
  }

  @Test
  void rejectsHookPointsBeyondTheLastBlock() {
    ResidualStreamMap map = ResidualStreamMap.discover(TinyTransformers.preNorm(2, Norm.LAYER_NORM_OP, 9).model());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> map.tensorName(HookPoint.residPost(2)));
    assertEquals("hook point blocks.2.hook_resid_post is outside this model's 2 blocks", e.getMessage());
  }

  private static void assertHookTensors(Map<HookPoint, String> expected, ResidualStreamMap map) {
    assertEquals(expected.size(), map.hookPoints().size());
    for (Map.Entry<HookPoint, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), map.tensorName(e.getKey()), e.getKey().name());
    }
  }
}
