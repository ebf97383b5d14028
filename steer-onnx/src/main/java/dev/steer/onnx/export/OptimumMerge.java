package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkState;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins a with-past and a no-past decoder into one graph the way Optimum's {@code merge_decoders} does:
 * the main graph takes the with-past inputs plus {@code use_cache_branch} (bool [1]) and holds every
 * initializer (identical tensors shared, clashing names of the no-past graph renamed); its single {@code
 * If} node runs the with-past decoder as {@code then_branch} and the no-past decoder as {@code
 * else_branch}, both without inputs or initializers of their own, reading weights from the outer scope.
 */
final class OptimumMerge {

  /** The bool input that selects the branch. */
  static final String USE_CACHE_BRANCH = "use_cache_branch";

  /** The merged graph (constants included, weights not yet) and the weights it reads. */
  record Merged(GraphProto.Builder graph, List<GraphBuilder.Weight> weights) {}

  private OptimumMerge() {}

  static Merged merge(GraphBuilder withPast, GraphBuilder noPast) {
    Map<String, GraphBuilder.Weight> weights = new LinkedHashMap<>();
    for (GraphBuilder.Weight w : withPast.weights()) {
      weights.put(w.name(), w);
    }
    for (GraphBuilder.Weight w : noPast.weights()) {
      GraphBuilder.Weight shared = weights.putIfAbsent(w.name(), w);
      checkState(shared == null || (Arrays.equals(shared.dims(), w.dims()) && Arrays.equals(shared.data(), w.data())),
          "the two decoders disagree on weight %s", w.name());
    }
    GraphProto.Builder main = GraphProto.newBuilder().setName(withPast.graph().getName() + "_merged");
    Map<String, TensorProto> constants = new HashMap<>();
    for (TensorProto t : withPast.graph().getInitializerList()) {
      constants.put(t.getName(), t);
      main.addInitializer(t);
    }
    Map<String, String> renamed = new HashMap<>();
    for (TensorProto t : noPast.graph().getInitializerList()) {
      TensorProto same = constants.get(t.getName());
      if (same != null && same.equals(t)) {
        continue;
      }
      String name = t.getName();
      while (constants.containsKey(name) || weights.containsKey(name)) {
        name = name + "/no_past";
      }
      renamed.put(t.getName(), name);
      constants.put(name, t);
      main.addInitializer(t.toBuilder().setName(name));
    }
    GraphProto thenBranch = branch("with_past", withPast.graph().getNodeList(), withPast.graph().getOutputList(),
        Map.of());
    GraphProto elseBranch = branch("no_past", noPast.graph().getNodeList(), noPast.graph().getOutputList(),
        renamed);
    main.addAllInput(withPast.graph().getInputList());
    main.addInput(ValueInfoProto.newBuilder().setName(USE_CACHE_BRANCH).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(GraphBuilder.BOOL)
            .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))))));
    main.addAllOutput(withPast.graph().getOutputList());
    NodeProto.Builder ifNode = NodeProto.newBuilder().setName("optimum::if").setOpType("If")
        .addInput(USE_CACHE_BRANCH)
        .addAttribute(graphAttr("then_branch", thenBranch))
        .addAttribute(graphAttr("else_branch", elseBranch));
    for (ValueInfoProto out : withPast.graph().getOutputList()) {
      ifNode.addOutput(out.getName());
    }
    main.addNode(ifNode);
    return new Merged(main, new ArrayList<>(weights.values()));
  }

  private static GraphProto branch(String name, List<NodeProto> nodes, List<ValueInfoProto> outputs,
      Map<String, String> renamed) {
    GraphProto.Builder g = GraphProto.newBuilder().setName(name).addAllOutput(outputs);
    for (NodeProto n : nodes) {
      NodeProto.Builder b = n.toBuilder();
      for (int i = 0; i < b.getInputCount(); i++) {
        b.setInput(i, renamed.getOrDefault(b.getInput(i), b.getInput(i)));
      }
      g.addNode(b);
    }
    return g.build();
  }

  private static AttributeProto graphAttr(String name, GraphProto graph) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(graph).build();
  }
}
