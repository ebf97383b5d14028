package dev.steer.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes new nodes and constant initializers with names that collide with nothing in the graph, using the
 * operator forms of the model's default-domain opset (axes as attributes before opset 13, as inputs from 13).
 * Nodes accumulate until {@link #takeNodes()}; constants are shared. Not thread-safe.
 */
final class NodeEmitter {
  private final int opset;
  private final Predicate<String> usedInGraph;
  private final Map<String, Integer> counters = new HashMap<>();
  private final java.util.Set<String> generated = new java.util.HashSet<>();
  private final Map<String, String> constants = new HashMap<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private List<NodeProto> nodes = new ArrayList<>();

  NodeEmitter(int opset, Predicate<String> usedInGraph) {
    this.opset = opset;
    this.usedInGraph = usedInGraph;
  }

  /** A name starting with {@code base} that no graph tensor and no earlier generated name uses. */
  String fresh(String base) {
    String name = base;
    while (usedInGraph.test(name) || generated.contains(name)) {
      name = base + "_" + counters.merge(base, 1, Integer::sum);
    }
    generated.add(name);
    return name;
  }

  List<NodeProto> takeNodes() {
    List<NodeProto> out = nodes;
    nodes = new ArrayList<>();
    return out;
  }

  List<TensorProto> initializers() {
    return initializers;
  }

  /** Appends a node with one output; {@code output} null means a fresh name. Returns the output name. */
  String op(String opType, String output, List<String> inputs, AttributeProto... attributes) {
    String out = output != null ? output : fresh("steer/" + opType);
    nodes.add(
        NodeProto.newBuilder()
            .setOpType(opType)
            .setName(fresh("steer/" + opType + "_node"))
            .addAllInput(inputs)
            .addOutput(out)
            .addAllAttribute(Arrays.asList(attributes))
            .build());
    return out;
  }

  void addNode(NodeProto node) {
    nodes.add(node);
  }

  String op(String opType, String... inputs) {
    return op(opType, null, List.of(inputs));
  }

  /** A float32 scalar constant (shape []), shared by value. */
  String scalar(float value) {
    return constants.computeIfAbsent(
        "f" + Float.floatToIntBits(value),
        k -> {
          String name = fresh("steer/const_" + value);
          initializers.add(
              TensorProto.newBuilder()
                  .setName(name)
                  .setDataType(TensorProto.DataType.FLOAT_VALUE)
                  .addFloatData(value)
                  .build());
          return name;
        });
  }

  /** A 1-D int64 constant. */
  String int64s(long... values) {
    return constants.computeIfAbsent(
        "i" + Arrays.toString(values),
        k -> {
          String name = fresh("steer/const_i64");
          TensorProto.Builder t =
              TensorProto.newBuilder()
                  .setName(name)
                  .setDataType(TensorProto.DataType.INT64_VALUE)
                  .addDims(values.length);
          for (long v : values) {
            t.addInt64Data(v);
          }
          initializers.add(t.build());
          return name;
        });
  }

  String add(String a, String b) {
    return op("Add", a, b);
  }

  String sub(String a, String b) {
    return op("Sub", a, b);
  }

  String mul(String a, String b) {
    return op("Mul", a, b);
  }

  String div(String a, String b) {
    return op("Div", a, b);
  }

  String where(String condition, String ifTrue, String ifFalse) {
    return op("Where", condition, ifTrue, ifFalse);
  }

  /** Σ over the last axis, keeping it: [..., d] → [..., 1]. */
  String sumLastAxis(String x) {
    AttributeProto keep = intAttribute("keepdims", 1);
    if (opset >= 13) {
      return op("ReduceSum", null, List.of(x, int64s(-1)), keep);
    }
    return op("ReduceSum", null, List.of(x), keep, intsAttribute("axes", -1));
  }

  /** x·y over the last axis, kept: [..., 1]. */
  String dot(String x, String y) {
    return sumLastAxis(mul(x, y));
  }

  /** ‖x‖ over the last axis, kept. */
  String norm(String x) {
    return op("Sqrt", dot(x, x));
  }

  /** [b, s] → [b, s, 1]. */
  String unsqueezeLast(String x) {
    if (opset >= 13) {
      return op("Unsqueeze", null, List.of(x, int64s(2)));
    }
    return op("Unsqueeze", null, List.of(x), intsAttribute("axes", 2));
  }

  /** Cast of {@code x} to the ONNX element type {@code to}; {@code output} null means a fresh name. */
  String cast(String x, int to, String output) {
    return op("Cast", output, List.of(x), intAttribute("to", to));
  }

  /** A one-element zero tensor of ONNX element type {@code type} (float32, float16 or bfloat16), e.g. for ConstantOfShape. */
  static TensorProto zero(int type) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(type).addDims(1);
    if (type == TensorProto.DataType.FLOAT_VALUE) {
      t.addFloatData(0f);
    } else {
      t.addInt32Data(0); // float16 and bfloat16 values are stored as their bit patterns in int32_data; 0 is +0
    }
    return t.build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto intsAttribute(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto tensorAttribute(String name, TensorProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
  }
}
