package dev.steer.onnx.graph;

import static com.google.common.base.Preconditions.checkArgument;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** Cuts graphs at a tensor. */
final class GraphCut {
  private GraphCut() {}

  /**
   * The part of {@code model} downstream of {@code tensor}: a model whose inputs are {@code tensor} (float,
   * [batch, seq, hidden]) plus whichever original inputs the remaining nodes still read, and whose outputs are
   * the original outputs. Nodes upstream of the cut are dropped unless an output needs them along a path that
   * avoids the cut tensor.
   */
  static ModelProto suffix(ModelProto model, String tensor, int hidden) {
    GraphProto graph = model.getGraph();
    GraphIndex index = new GraphIndex(graph);
    checkArgument(index.producer(tensor) >= 0, "no node computes tensor '%s'", tensor);
    BitSet keep = new BitSet(index.nodeCount());
    Deque<String> work = new ArrayDeque<>();
    for (ValueInfoProto out : graph.getOutputList()) {
      work.push(out.getName());
    }
    Set<String> read = new HashSet<>();
    while (!work.isEmpty()) {
      String t = work.pop();
      if (!read.add(t) || t.equals(tensor)) {
        continue;
      }
      int p = index.producer(t);
      if (p >= 0 && !keep.get(p)) {
        keep.set(p);
        for (String in : index.node(p).getInputList()) {
          if (!in.isEmpty()) {
            work.push(in);
          }
        }
      }
    }
    GraphProto.Builder cut =
        graph.toBuilder().clearNode().clearInput().clearInitializer().clearValueInfo();
    cut.addInput(
        GraphRewriter.floatInput(
            tensor,
            TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build(),
            TensorShapeProto.Dimension.newBuilder().setDimParam("sequence").build(),
            TensorShapeProto.Dimension.newBuilder().setDimValue(hidden).build()));
    for (ValueInfoProto in : graph.getInputList()) {
      if (read.contains(in.getName()) && index.isGraphInput(in.getName())) {
        cut.addInput(in);
      }
    }
    for (TensorProto init : graph.getInitializerList()) {
      if (read.contains(init.getName())) {
        cut.addInitializer(init);
      }
    }
    for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
      NodeProto n = index.node(i);
      cut.addNode(n);
    }
    return model.toBuilder().setGraph(cut).build();
  }
}
