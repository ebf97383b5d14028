package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads W_U, the matrix whose product with the final hidden row gives the logits, from a decoder graph:
 * from {@code logits} back through element-wise ops with a constant operand (a final logit soft-cap:
 * Mul, Div, Tanh, Add) to the MatMul or Gemm that produces them, whose weight is an initializer [d, V]
 * (MatMul), a {@code Transpose(perm = [1, 0])} of an initializer [V, d] (tied embeddings), or [V, d]
 * under Gemm's transB. Float32, float16 and bfloat16 initializers, inline or external, are read.
 */
final class Unembeddings {

  private Unembeddings() {}

  /** W_U as V rows of length d. */
  static float[][] read(GraphProto graph, Path folder) throws ModelLoadException {
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto n : graph.getNodeList()) {
      for (String out : n.getOutputList()) {
        producers.put(out, n);
      }
    }
    Map<String, TensorProto> initializers = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    String tensor = "logits";
    for (int hops = 0; hops < 16; hops++) {
      NodeProto n = producers.get(tensor);
      if (n == null) {
        break;
      }
      switch (n.getOpType()) {
        case "MatMul" -> {
          return fromWeight(n.getInput(1), producers, initializers, folder, true);
        }
        case "Gemm" -> {
          boolean transB = intAttr(n, "transB", 0) == 1;
          return fromWeight(n.getInput(1), producers, initializers, folder, !transB);
        }
        case "Tanh", "Mul", "Div", "Add", "Cast" -> tensor = variableInput(n, producers, initializers);
        default -> throw new ModelLoadException(
            "cannot find the unembedding: 'logits' comes from a " + n.getOpType() + " node (" + n.getName()
                + "), not from a MatMul or Gemm with a weight");
      }
    }
    throw new ModelLoadException("cannot find the unembedding: no MatMul or Gemm produces 'logits'");
  }

  /** The one input of an element-wise node that is not a constant. */
  private static String variableInput(NodeProto n, Map<String, NodeProto> producers, Map<String, TensorProto> inits)
      throws ModelLoadException {
    String found = null;
    for (String in : n.getInputList()) {
      NodeProto p = producers.get(in);
      boolean constant = inits.containsKey(in) || (p != null && p.getOpType().equals("Constant"));
      if (!constant) {
        if (found != null) {
          throw new ModelLoadException("cannot find the unembedding: " + n.getOpType() + " node " + n.getName()
              + " between the LM head and 'logits' has two variable inputs");
        }
        found = in;
      }
    }
    if (found == null) {
      throw new ModelLoadException("cannot find the unembedding: 'logits' depends on constants only");
    }
    return found;
  }

  /** Rows of W_U from a weight that is [d, V] if {@code inputMajor}, else [V, d]. */
  private static float[][] fromWeight(String name, Map<String, NodeProto> producers, Map<String, TensorProto> inits,
      Path folder, boolean inputMajor) throws ModelLoadException {
    NodeProto p = producers.get(name);
    if (p != null && p.getOpType().equals("Transpose")) {
      long[] perm = p.getAttributeList().stream().filter(a -> a.getName().equals("perm")).findFirst()
          .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(new long[] {1, 0});
      if (perm.length != 2 || perm[0] != 1 || perm[1] != 0) {
        throw new ModelLoadException("cannot read the unembedding: the LM head weight is a Transpose with perm "
            + Arrays.toString(perm));
      }
      return fromWeight(p.getInput(0), producers, inits, folder, !inputMajor);
    }
    TensorProto t = inits.get(name);
    if (t == null || t.getDimsCount() != 2) {
      throw new ModelLoadException("cannot read the unembedding: the LM head weight '" + name
          + "' is not a 2-D initializer");
    }
    long rows = t.getDims(0);
    long cols = t.getDims(1);
    if (rows * cols > Integer.MAX_VALUE) {
      throw new ModelLoadException("the unembedding " + name + " has " + rows + " × " + cols
          + " values, more than one Java array holds");
    }
    float[] flat = values(t, folder);
    int v = (int) (inputMajor ? cols : rows);
    int d = (int) (inputMajor ? rows : cols);
    float[][] out = new float[v][d];
    for (int i = 0; i < v; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = inputMajor ? flat[j * v + i] : flat[i * d + j];
      }
    }
    return out;
  }

  private static float[] values(TensorProto t, Path folder) throws ModelLoadException {
    int n = (int) (t.getDims(0) * t.getDims(1));
    int type = t.getDataType();
    int width = switch (type) {
      case TensorProto.DataType.FLOAT_VALUE -> 4;
      case TensorProto.DataType.FLOAT16_VALUE, TensorProto.DataType.BFLOAT16_VALUE -> 2;
      default -> throw new ModelLoadException("cannot read the unembedding " + t.getName()
          + ": element type " + type + " is not float32, float16 or bfloat16");
    };
    ByteBuffer bytes;
    if (InitializerData.isExternal(t)) {
      bytes = InitializerData.read(InitializerData.region(t, folder, (long) n * width), t.getName(), false);
    } else if (!t.getRawData().isEmpty()) {
      bytes = t.getRawData().asReadOnlyByteBuffer();
    } else if (type == TensorProto.DataType.FLOAT_VALUE && t.getFloatDataCount() == n) {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = t.getFloatData(i);
      }
      return out;
    } else if (t.getInt32DataCount() == n) { // float16/bfloat16 bits in int32_data
      bytes = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        bytes.putShort((short) t.getInt32Data(i));
      }
      bytes.flip();
    } else {
      throw new ModelLoadException("the unembedding " + t.getName() + " holds no data for " + n + " values");
    }
    bytes = bytes.order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.remaining() != (long) n * width) {
      throw new ModelLoadException("the unembedding " + t.getName() + " holds " + bytes.remaining()
          + " bytes; expected " + (long) n * width);
    }
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = switch (type) {
        case TensorProto.DataType.FLOAT_VALUE -> bytes.getFloat();
        case TensorProto.DataType.FLOAT16_VALUE -> halfToFloat(bytes.getShort());
        default -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
      };
    }
    return out;
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
  static float halfToFloat(short bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f; // subnormal (or zero)
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private static long intAttr(NodeProto n, String name, long fallback) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return fallback;
  }
}
