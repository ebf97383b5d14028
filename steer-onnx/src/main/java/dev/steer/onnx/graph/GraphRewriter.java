package dev.steer.onnx.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.steer.hook.HookPoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rewrites an ONNX transformer graph in memory to expose hook points as graph outputs and to insert steering
 * edits whose values are graph inputs.
 *
 * <p><b>Capture.</b> Each captured hook point becomes a float output named by its TransformerLens name
 * ({@code blocks.3.hook_resid_post}) of shape [batch, seq, hidden]. It holds the value at that hook point
 * after any steering at that hook point or at earlier hook points sharing its tensor (resid_post of block L
 * and resid_pre of block L+1 are one tensor; edits apply in hook-point order).
 *
 * <p><b>Steering.</b> For each {@link SteeringSlot} the tensor h at its hook point is replaced, for every
 * downstream consumer and graph output, by the edited tensor. The slot reads a float mask input m of shape
 * [batch, seq] per intervention ({@link SteeringSlot#maskInputName}) and the inputs of
 * {@link InterventionKind#parameters()} ({@link SteeringSlot#inputName}, shaped as {@link SteeringParameter}
 * says, so each batch row may carry its own values). Interventions apply in order, each
 * as {@code h ← Where(m ≠ 0, h + m·Δ(h), h)} with Δ(h) = f(h) − h: where m = 0 the row passes through
 * bit-for-bit (even when Δ would be NaN); where m = 1 the row becomes h + Δ(h), which equals f(h) up to float
 * rounding (for additive edits it is exactly h + α·v); fractional m blends each step. When the steered tensor
 * is the sum output of a fused {@code Skip(Simplified)LayerNormalization}, the node's normalised output is
 * recomputed from the edited sum by a copy of the node with a zero skip input.
 *
 * <p><b>Half precision.</b> On a float16 or bfloat16 stream each slot casts h to float32, edits it there
 * (so a rotation keeps its norm up to the final rounding) and casts the result back; captures are cast to
 * float32. Steering values are float32 inputs whatever the stream's type.
 *
 * <p>With every mask 0 the rewritten graph computes the original outputs bit for bit (a half-precision
 * value survives the round trip through float32 exactly). Requires a default-domain opset of at least 11
 * and a float32, float16 or bfloat16 residual stream. Stateless and thread-safe.
 */
public final class GraphRewriter {
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  private GraphRewriter() {}

  /**
   * Returns a copy of {@code model} with the captured hook points as extra outputs and the slots' edits
   * inserted. The original model is not modified.
   *
   * @param model the model {@code map} was discovered in
   * @param map its residual-stream map
   * @param captures hook points to expose as outputs (may be empty)
   * @param slots edits to insert, at most one per hook point (may be empty)
   * @throws IllegalArgumentException naming the problem when the map belongs to another graph, a hook point
   *     is outside the model, a hook point has two slots, an output name is already taken, the opset is
   *     below 11 or the stream is not float32
   */
  public static ModelProto rewrite(
      ModelProto model, ResidualStreamMap map, Collection<HookPoint> captures, List<SteeringSlot> slots) {
    checkNotNull(model, "model");
    checkNotNull(map, "map");
    checkNotNull(captures, "captures");
    checkNotNull(slots, "slots");
    return new Rewrite(model, map).run(captures, slots);
  }

  /** One rewrite in progress. */
  private static final class Rewrite {
    private final ModelProto model;
    private final ResidualStreamMap map;
    private final GraphIndex index;
    private final NodeProto[] nodes;
    private final Map<Integer, List<NodeProto>> before = new HashMap<>();
    private final Map<Integer, List<NodeProto>> after = new HashMap<>();
    private final List<NodeProto> prologue = new ArrayList<>();
    private final NodeEmitter emitter;
    /** Tensors produced by nodes the rewrite inserted before an original node (split biases). */
    private final Map<String, Integer> insertedBefore = new HashMap<>();

    Rewrite(ModelProto model, ResidualStreamMap map) {
      this.model = model;
      this.map = map;
      this.index = new GraphIndex(model.getGraph());
      checkArgument(
          index.nodeCount() == map.nodeCount(),
          "the residual-stream map was discovered in a graph of %s nodes, this graph has %s",
          map.nodeCount(),
          index.nodeCount());
      int opset = defaultOpset(model);
      checkArgument(opset >= 11, "steering needs a default-domain opset >= 11, the model imports %s", opset);
      this.nodes = model.getGraph().getNodeList().toArray(new NodeProto[0]);
      this.emitter = new NodeEmitter(opset, index::isKnownTensor);
    }

    ModelProto run(Collection<HookPoint> captures, List<SteeringSlot> slots) {
      Set<HookPoint> captured = new TreeSet<>();
      for (HookPoint h : captures) {
        checkLayer(checkNotNull(h, "capture"));
        checkArgument(!index.isKnownTensor(h.name()), "output name %s is already a tensor of the graph", h);
        captured.add(h);
      }
      Map<HookPoint, SteeringSlot> slotAt = new TreeMap<>();
      for (SteeringSlot s : slots) {
        checkLayer(checkNotNull(s, "slot").hookPoint());
        checkArgument(slotAt.put(s.hookPoint(), s) == null, "two steering slots at %s", s.hookPoint());
        checkArgument(
            !index.isKnownTensor(s.maskInputName(0)),
            "the graph already has a tensor named %s (was it rewritten before?)",
            s.maskInputName(0));
      }
      Map<String, List<HookPoint>> byTensor = new TreeMap<>();
      for (HookPoint h : union(captured, slotAt.keySet())) {
        byTensor.computeIfAbsent(map.tensorName(h), k -> new ArrayList<>()).add(h);
      }
      for (String tensor : byTensor.keySet()) {
        materialize(tensor);
      }
      for (Map.Entry<String, List<HookPoint>> e : byTensor.entrySet()) {
        rewriteTensor(e.getKey(), e.getValue(), captured, slotAt);
      }
      return assemble(captured, slotAt.values());
    }

    private static Set<HookPoint> union(Set<HookPoint> a, Set<HookPoint> b) {
      Set<HookPoint> out = new TreeSet<>(a);
      out.addAll(b);
      return out;
    }

    private void checkLayer(HookPoint h) {
      checkArgument(h.layer() < map.layers(), "hook point %s is outside this model's %s blocks", h, map.layers());
    }

    /** Makes a hook tensor that lives inside a fused node explicit. */
    private void materialize(String tensor) {
      Materialization m = map.materialization(tensor);
      if (m == null) {
        return;
      }
      NodeProto.Builder node = nodes[m.node()].toBuilder();
      if (m.kind() == Materialization.Kind.REQUEST_SUM_OUTPUT) {
        while (node.getOutputCount() < 4) {
          node.addOutput("");
        }
        node.setOutput(3, tensor);
      } else {
        String branch = node.getInput(m.branchInputIndex());
        String bias = node.getInput(m.biasInputIndex());
        before.computeIfAbsent(m.node(), k -> new ArrayList<>())
            .add(
                NodeProto.newBuilder()
                    .setOpType("Add")
                    .setName(emitter.fresh("steer/split_bias"))
                    .addInput(branch)
                    .addInput(bias)
                    .addOutput(tensor)
                    .build());
        insertedBefore.put(tensor, m.node());
        node.setInput(m.branchInputIndex(), tensor);
        node.setInput(m.biasInputIndex(), "");
        List<String> inputs = trimTrailingEmpty(node.getInputList());
        node.clearInput().addAllInput(inputs);
      }
      nodes[m.node()] = node.build();
    }

    private int producerOf(String tensor) {
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i].getOutputList().contains(tensor)) {
          return i;
        }
      }
      return -1;
    }

    private void rewriteTensor(
        String tensor, List<HookPoint> hooks, Set<HookPoint> captured, Map<HookPoint, SteeringSlot> slotAt) {
      int type = streamType(tensor);
      int producer = producerOf(tensor);
      Integer splitNode = insertedBefore.get(tensor);
      List<NodeProto> place;
      if (splitNode != null) {
        place = before.get(splitNode);
      } else if (producer >= 0) {
        place = after.computeIfAbsent(producer, k -> new ArrayList<>());
      } else {
        place = prologue;
      }
      HookPoint lastSlot = null;
      for (HookPoint h : hooks) {
        if (slotAt.containsKey(h)) {
          lastSlot = h;
        }
      }
      String current = tensor;
      String unsteeredSum = null;
      String finalName = tensor;
      boolean fusedSum =
          producer >= 0
              && splitNode == null
              && ResidualChainFinder.FUSED_SKIP_OPS.contains(nodes[producer].getOpType())
              && nodes[producer].getOutputCount() > 3
              && nodes[producer].getOutput(3).equals(tensor);
      if (lastSlot != null) {
        if (splitNode != null || producer >= 0) {
          current = emitter.fresh(tensor + "/unsteered");
          unsteeredSum = current;
          renameOutput(splitNode, producer, tensor, current);
        } else {
          finalName = emitter.fresh(tensor + "/steered");
          rewireConsumers(tensor, finalName);
        }
      }
      for (HookPoint h : hooks) {
        SteeringSlot slot = slotAt.get(h);
        if (slot != null) {
          String output = h.equals(lastSlot) ? finalName : null;
          if (type == FLOAT) {
            current = emitSlot(slot, current, output);
          } else {
            // compute in float32, so that a rotation keeps its norm; fp16 → fp32 → fp16 is exact where m = 0
            String edited = emitSlot(slot, emitter.cast(current, FLOAT, null), null);
            current = emitter.cast(edited, type, output);
          }
        }
        if (captured.contains(h)) {
          if (type == FLOAT) {
            emitter.op("Identity", h.name(), List.of(current));
          } else {
            emitter.cast(current, FLOAT, h.name());
          }
        }
      }
      place.addAll(emitter.takeNodes());
      if (lastSlot != null && fusedSum) {
        recomputeFusedNorm(producer, tensor, unsteeredSum, place, type);
      }
    }

    /**
     * The element type of the residual stream at {@code tensor}: float32, float16 or bfloat16 (an
     * undeclared type with no floating-point type upstream is taken as float32).
     */
    private int streamType(String tensor) {
      int declared = index.elemType(tensor);
      int type = declared != 0 ? declared : index.inferredFloatType(tensor);
      Materialization m = map.materialization(tensor);
      if (type == 0 && m != null) {
        // a sum the fused node did not output: it has the type of the node's inputs
        type = index.inferredFloatType(index.node(m.node()).getInput(0));
      }
      if (type == 0) {
        return FLOAT;
      }
      checkArgument(
          type == FLOAT
              || type == TensorProto.DataType.FLOAT16_VALUE
              || type == TensorProto.DataType.BFLOAT16_VALUE,
          "hook tensor '%s' has element type %s; residual streams must be float32, float16 or bfloat16",
          tensor,
          TensorProto.DataType.forNumber(type));
      return type;
    }

    private void renameOutput(Integer splitNode, int producer, String from, String to) {
      if (splitNode != null) {
        List<NodeProto> list = before.get(splitNode);
        for (int i = 0; i < list.size(); i++) {
          NodeProto n = list.get(i);
          int k = n.getOutputList().indexOf(from);
          if (k >= 0) {
            list.set(i, n.toBuilder().setOutput(k, to).build());
          }
        }
        // the fused node reads the split sum: it must read the steered name, which keeps `from`
        return;
      }
      NodeProto n = nodes[producer];
      nodes[producer] = n.toBuilder().setOutput(n.getOutputList().indexOf(from), to).build();
    }

    private void rewireConsumers(String from, String to) {
      for (int i = 0; i < nodes.length; i++) {
        NodeProto n = nodes[i];
        if (n.getInputList().contains(from)) {
          NodeProto.Builder b = n.toBuilder();
          for (int k = 0; k < b.getInputCount(); k++) {
            if (b.getInput(k).equals(from)) {
              b.setInput(k, to);
            }
          }
          nodes[i] = b.build();
        }
      }
    }

    /**
     * After editing output 3 (the sum) of a fused skip-norm, its outputs 0–2 must describe the edited sum: they
     * move to a copy of the node that reads the edited sum and a zero skip. Rows whose sum the edit left
     * bit-identical keep the original node's normalised output: in half precision the original normalises
     * the unrounded float32 sum, the copy the rounded one, so only this keeps an unedited row exact.
     */
    private void recomputeFusedNorm(
        int producer, String steeredSum, String unsteeredSum, List<NodeProto> place, int type) {
      NodeProto fused = nodes[producer];
      NodeProto.Builder retired = fused.toBuilder();
      NodeProto.Builder copy =
          fused.toBuilder()
              .clearInput()
              .clearOutput()
              .setName(emitter.fresh(fused.getName() + "/steered"));
      String zeros =
          emitter.op(
              "ConstantOfShape",
              null,
              List.of(emitter.op("Shape", steeredSum)),
              NodeEmitter.tensorAttribute(
                  "value",
                  NodeEmitter.zero(type)));
      copy.addInput(steeredSum).addInput(zeros).addInput(fused.getInput(2));
      if (fused.getOpType().equals("SkipLayerNormalization") && fused.getInputCount() > 3) {
        copy.addInput(fused.getInput(3));
      }
      String original = emitter.fresh(fused.getOutput(0) + "/unsteered");
      String recomputed = emitter.fresh(fused.getOutput(0) + "/recomputed");
      retired.setOutput(0, original);
      for (int k = 0; k < 3; k++) {
        copy.addOutput(k == 0 ? recomputed : fused.getOutput(k));
        if (k > 0) {
          retired.setOutput(k, "");
        }
      }
      List<String> outputs = trimTrailingEmpty(copy.getOutputList());
      copy.clearOutput().addAllOutput(outputs);
      nodes[producer] = retired.build();
      emitter.addNode(copy.build());
      String changed = emitter.cast(emitter.op("Not", emitter.op("Equal", steeredSum, unsteeredSum)), FLOAT, null);
      String rowEdited = emitter.op("Greater", emitter.sumLastAxis(changed), emitter.scalar(0f));
      emitter.op("Where", fused.getOutput(0), List.of(rowEdited, recomputed, original));
      place.addAll(emitter.takeNodes());
    }

    /** Emits the slot's interventions on {@code h}; returns the edited tensor (named {@code output} if given). */
    private String emitSlot(SteeringSlot slot, String h, String output) {
      List<InterventionKind> kinds = slot.kinds();
      for (int step = 0; step < kinds.size(); step++) {
        int s = step;
        String mask = emitter.unsqueezeLast(slot.maskInputName(step));
        String active = emitter.op("Not", emitter.op("Equal", mask, emitter.scalar(0f)));
        String delta =
            InterventionGraphs.delta(
                emitter, kinds.get(step), h, p -> slot.inputName(s, p), map.hiddenSize());
        String edited = emitter.add(h, emitter.mul(mask, delta));
        String out = step == kinds.size() - 1 ? output : null;
        h = emitter.op("Where", out, List.of(active, edited, h));
      }
      return h;
    }

    private ModelProto assemble(Set<HookPoint> captured, Collection<SteeringSlot> slots) {
      GraphProto.Builder graph = model.getGraph().toBuilder().clearNode();
      graph.addAllNode(prologue);
      for (int i = 0; i < nodes.length; i++) {
        graph.addAllNode(before.getOrDefault(i, List.of()));
        graph.addNode(nodes[i]);
        graph.addAllNode(after.getOrDefault(i, List.of()));
      }
      graph.addAllInitializer(emitter.initializers());
      for (SteeringSlot slot : slots) {
        for (int step = 0; step < slot.kinds().size(); step++) {
          graph.addInput(floatInput(slot.maskInputName(step), dimParam("batch"), dimParam("sequence")));
          for (SteeringParameter p : slot.kinds().get(step).parameters()) {
            graph.addInput(
                floatInput(
                    slot.inputName(step, p),
                    dimParam("steer_rows"),
                    dimValue(1),
                    dimValue(p.isVector() ? map.hiddenSize() : 1)));
          }
        }
      }
      for (HookPoint h : captured) {
        graph.addOutput(
            floatInput(h.name(), dimParam("batch"), dimParam("sequence"), dimValue(map.hiddenSize())));
      }
      return model.toBuilder().setGraph(graph).build();
    }
  }

  private static List<String> trimTrailingEmpty(List<String> names) {
    int n = names.size();
    while (n > 1 && names.get(n - 1).isEmpty()) {
      n--;
    }
    return new ArrayList<>(names.subList(0, n));
  }

  static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return (int) o.getVersion();
      }
    }
    return 0;
  }

  private static TensorShapeProto.Dimension dimParam(String name) {
    return TensorShapeProto.Dimension.newBuilder().setDimParam(name).build();
  }

  private static TensorShapeProto.Dimension dimValue(long value) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(value).build();
  }

  static ValueInfoProto floatInput(String name, TensorShapeProto.Dimension... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (TensorShapeProto.Dimension d : dims) {
      shape.addDim(d);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
        .build();
  }

}
