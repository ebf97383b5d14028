package dev.steer.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.List;
import java.util.Random;

/** Builds small ONNX graphs for tests. Tensor and node names are opaque counters ({@code t7}, {@code n3}). */
final class TestGraphBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
  private final Random random;
  private int tensors;
  private int nodes;

  TestGraphBuilder(long seed) {
    this.random = new Random(seed);
  }

  String fresh() {
    return "t" + tensors++;
  }

  void input(String name, int elemType, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
  }

  void output(String name, int elemType, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
  }

  /** A float initializer with values uniform in [-scale, scale]. */
  String weight(float scale, long... dims) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return constant(values, dims);
  }

  String constant(float[] values, long... dims) {
    String name = fresh();
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    graph.addInitializer(t);
    return name;
  }

  String scalar(float value) {
    return constant(new float[] {value});
  }

  /** A node with one fresh output. */
  String op(String opType, List<String> inputs, AttributeProto... attributes) {
    return opOut("", opType, inputs, List.of(fresh()), attributes).get(0);
  }

  String op(String opType, String... inputs) {
    return op(opType, List.of(inputs));
  }

  List<String> opOut(
      String domain, String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
    graph.addNode(
        NodeProto.newBuilder()
            .setName("n" + nodes++)
            .setOpType(opType)
            .setDomain(domain)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addAllAttribute(List.of(attributes)));
    return outputs;
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  ModelProto build(int opset, boolean microsoftDomain) {
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("steer-test")
            .setGraph(graph)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    if (microsoftDomain) {
      m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
    }
    return m.build();
  }

  private static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      } else {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
      }
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }
}
