package dev.steer.onnx.export;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates the nodes, small constants and weight tensors of one ONNX graph. Node names are {@code
 * scope/OpType} (suffixed {@code _n} on repeats) and outputs {@code name_output_k}, in the style of
 * torch.onnx exports. Not thread-safe.
 */
final class GraphBuilder {

  /** One weight tensor, kept as a float array until the writer decides where its bytes go. */
  record Weight(String name, long[] dims, float[] data) {}

  static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  static final int INT64 = TensorProto.DataType.INT64.getNumber();
  static final int BOOL = TensorProto.DataType.BOOL.getNumber();

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private final Map<String, Integer> nodeCounts = new HashMap<>();
  private final Map<String, String> constants = new HashMap<>();
  private final Map<String, Weight> weights = new LinkedHashMap<>();

  GraphBuilder(String graphName) {
    graph.setName(graphName);
  }

  /** Adds a node with one output and returns the output name. */
  String op(String scope, String opType, List<String> inputs, AttributeProto... attributes) {
    return op(scope, opType, inputs, null, attributes);
  }

  /** Adds a node with one output named {@code outputName} (generated when null) and returns it. */
  String op(
      String scope,
      String opType,
      List<String> inputs,
      String outputName,
      AttributeProto... attributes) {
    String nodeName = uniqueNodeName(scope + "/" + opType);
    String output = outputName != null ? outputName : nodeName + "_output_0";
    node(nodeName, opType, inputs, List.of(output), attributes);
    return output;
  }

  /** Adds a node with {@code count} outputs and returns their names. */
  List<String> opMulti(
      String scope, String opType, List<String> inputs, int count, AttributeProto... attributes) {
    String nodeName = uniqueNodeName(scope + "/" + opType);
    List<String> outputs = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      outputs.add(nodeName + "_output_" + k);
    }
    node(nodeName, opType, inputs, outputs, attributes);
    return outputs;
  }

  private void node(
      String name, String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addAllOutput(outputs);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    graph.addNode(n);
  }

  private String uniqueNodeName(String base) {
    int n = nodeCounts.merge(base, 1, Integer::sum) - 1;
    return n == 0 ? base : base + "_" + n;
  }

  /** A float32 weight initializer (added once per name, however often it is used); returns its name. */
  String weight(String name, long[] dims, float[] data) {
    Weight existing = weights.get(name);
    if (existing != null) {
      if (existing.data() != data) {
        throw new IllegalStateException("two different tensors named " + name);
      }
      return name;
    }
    weights.put(name, new Weight(name, dims.clone(), data));
    return name;
  }

  /** A float32 scalar constant (shared by value). */
  String scalar(float value) {
    return constants.computeIfAbsent(
        "f:" + Float.floatToIntBits(value),
        k -> addConstant(FLOAT, new long[0], floatBytes(new float[] {value})));
  }

  /** An int64 scalar constant. */
  String int64Scalar(long value) {
    return constants.computeIfAbsent(
        "s:" + value, k -> addConstant(INT64, new long[0], longBytes(new long[] {value})));
  }

  /** A 1-D int64 constant. */
  String int64s(long... values) {
    StringBuilder key = new StringBuilder("l:");
    for (long v : values) {
      key.append(v).append(',');
    }
    return constants.computeIfAbsent(
        key.toString(),
        k -> addConstant(INT64, new long[] {values.length}, longBytes(values)));
  }

  private String addConstant(int type, long[] dims, ByteString bytes) {
    String name = "/const/" + constants.size();
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(bytes);
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t);
    return name;
  }

  /** Declares a graph input; each dim is a Long (fixed) or a String (symbolic). */
  void input(String name, int elemType, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
  }

  /** Declares a graph output; each dim is a Long (fixed) or a String (symbolic). */
  void output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String s) {
        dim.setDimParam(s);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  /** The graph so far, without the weight initializers (the writer adds them). */
  OnnxMl.GraphProto.Builder graph() {
    return graph;
  }

  /** The weights in the order they were added. */
  List<Weight> weights() {
    return List.copyOf(weights.values());
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static ByteString floatBytes(float[] data) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    return ByteString.copyFrom(buf);
  }

  private static ByteString longBytes(long[] data) {
    ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(data);
    return ByteString.copyFrom(buf);
  }
}
