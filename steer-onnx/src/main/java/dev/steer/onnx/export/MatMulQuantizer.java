package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.common.collect.ImmutableMap;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantizes the weight matrices of a float32 graph's {@code MatMul}s the way ONNX Runtime's quantizers do,
 * so that a model exported by {@link DecoderExporter} can be written in the forms onnxruntime-genai and
 * transformers.js publish:
 *
 * <ul>
 *   <li>{@link #int4} — {@code com.microsoft.MatMulNBits} with 4-bit blocks along K (ONNX Runtime's
 *       contrib-op spec: B uint8 [N, K/block, block/2], low nibble first; scales float [N · K/block]; no
 *       zero points, so the zero point is 8): w ≈ (q − 8) · s with s = max|w_block| / 7 (symmetric), q =
 *       clamp(round(w / s) + 8, 0, 15). {@code model_q4.onnx} in transformers.js, the CPU int4 models of
 *       onnxruntime-genai.
 *   <li>{@link #dynamicInt8} — {@code DynamicQuantizeLinear} on the activation (uint8, per tensor),
 *       {@code MatMulInteger} with int8 weights quantized symmetrically per output column (s_n = max|w_·n|
 *       / 127, q = round(w / s_n)), then the int32 product scaled back: y = float((x_q − zp_x) · W_q) ·
 *       s_x · s_n. {@code model_quantized.onnx} / {@code model_int8.onnx}.
 * </ul>
 *
 * Only MatMuls whose second input is a rank-2 float32 initializer are quantized (K divisible by the block
 * for int4); the rest, e.g. attention's activation products and a tied LM head read through a Transpose,
 * stay float. Each result reports the dequantized value of every weight it replaced, for a float reference
 * of the same model. Stateless.
 */
public final class MatMulQuantizer {
  private static final String MS_DOMAIN = "com.microsoft";
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  private MatMulQuantizer() {}

  /**
   * A quantized model and what its weights now stand for.
   *
   * @param model the rewritten model
   * @param dequantized per replaced initializer name, the float32 [K, N] matrix the quantized form decodes to
   */
  public record Quantized(ModelProto model, Map<String, float[]> dequantized) {
    /** Copies. */
    public Quantized {
      checkNotNull(model, "model");
      dequantized = ImmutableMap.copyOf(dequantized);
    }
  }

  /** 4-bit block quantization with {@code com.microsoft.MatMulNBits}; {@code blockSize} a power of two ≥ 16. */
  public static Quantized int4(ModelProto model, int blockSize) {
    checkNotNull(model, "model");
    checkArgument(blockSize >= 16 && Integer.bitCount(blockSize) == 1,
        "blockSize must be a power of two >= 16: %s", blockSize);
    return rewrite(model, (node, w, k, n, g, dq) -> {
      if (k % blockSize != 0) {
        return false;
      }
      int blocks = k / blockSize;
      byte[] packed = new byte[n * blocks * blockSize / 2];
      float[] scales = new float[n * blocks];
      float[] decoded = new float[k * n];
      for (int col = 0; col < n; col++) {
        for (int b = 0; b < blocks; b++) {
          float max = 0;
          for (int i = 0; i < blockSize; i++) {
            max = Math.max(max, Math.abs(w[(b * blockSize + i) * n + col]));
          }
          float s = max / 7f;
          scales[col * blocks + b] = s;
          for (int i = 0; i < blockSize; i++) {
            int row = b * blockSize + i;
            int q = s == 0 ? 8 : Math.max(0, Math.min(15, Math.round(w[row * n + col] / s) + 8));
            int at = (col * blocks + b) * (blockSize / 2) + i / 2;
            packed[at] |= (byte) (i % 2 == 0 ? q : q << 4);
            decoded[row * n + col] = (q - 8) * s;
          }
        }
      }
      String name = node.getInput(1);
      String bName = name + "_Q4";
      String sName = name + "_scales";
      g.addInitializer(TensorProto.newBuilder().setName(bName).setDataType(TensorProto.DataType.UINT8_VALUE)
          .addDims(n).addDims(blocks).addDims(blockSize / 2).setRawData(ByteString.copyFrom(packed)));
      g.addInitializer(floats(sName, new long[] {n * (long) blocks}, scales));
      g.addNode(NodeProto.newBuilder().setOpType("MatMulNBits").setDomain(MS_DOMAIN)
          .setName(node.getName() + "_Q4").addInput(node.getInput(0)).addInput(bName).addInput(sName)
          .addOutput(node.getOutput(0)).addAttribute(intAttr("K", k)).addAttribute(intAttr("N", n))
          .addAttribute(intAttr("bits", 4)).addAttribute(intAttr("block_size", blockSize)));
      dq.put(name, decoded);
      return true;
    });
  }

  /** Dynamic int8 quantization with {@code DynamicQuantizeLinear} and {@code MatMulInteger}. */
  public static Quantized dynamicInt8(ModelProto model) {
    checkNotNull(model, "model");
    return rewrite(model, (node, w, k, n, g, dq) -> {
      float[] scales = new float[n];
      byte[] q = new byte[k * n];
      float[] decoded = new float[k * n];
      for (int col = 0; col < n; col++) {
        float max = 0;
        for (int row = 0; row < k; row++) {
          max = Math.max(max, Math.abs(w[row * n + col]));
        }
        scales[col] = max / 127f;
      }
      for (int row = 0; row < k; row++) {
        for (int col = 0; col < n; col++) {
          float s = scales[col];
          int v = s == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(w[row * n + col] / s)));
          q[row * n + col] = (byte) v;
          decoded[row * n + col] = v * s;
        }
      }
      String name = node.getInput(1);
      String base = node.getName().isEmpty() ? name : node.getName();
      String wq = name + "_quantized";
      String ws = name + "_scale";
      g.addInitializer(TensorProto.newBuilder().setName(wq).setDataType(TensorProto.DataType.INT8_VALUE)
          .addDims(k).addDims(n).setRawData(ByteString.copyFrom(q)));
      g.addInitializer(floats(ws, new long[] {n}, scales));
      String xq = base + "/x_quantized";
      String xs = base + "/x_scale";
      String xz = base + "/x_zero_point";
      String acc = base + "/int32";
      String accF = base + "/int32_float";
      String scale = base + "/scale";
      g.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").setName(base + "/DynamicQuantizeLinear")
          .addInput(node.getInput(0)).addOutput(xq).addOutput(xs).addOutput(xz));
      g.addNode(NodeProto.newBuilder().setOpType("MatMulInteger").setName(base + "/MatMulInteger")
          .addInput(xq).addInput(wq).addInput(xz).addOutput(acc));
      g.addNode(NodeProto.newBuilder().setOpType("Cast").setName(base + "/Cast").addInput(acc).addOutput(accF)
          .addAttribute(intAttr("to", FLOAT)));
      g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(base + "/scales").addInput(xs).addInput(ws)
          .addOutput(scale));
      g.addNode(NodeProto.newBuilder().setOpType("Mul").setName(base + "/dequantize").addInput(accF)
          .addInput(scale).addOutput(node.getOutput(0)));
      dq.put(name, decoded);
      return true;
    });
  }

  /** Replaces one MatMul (appending its nodes to {@code g}), or returns false to keep it. */
  private interface Replacement {
    boolean apply(NodeProto matMul, float[] w, int k, int n, GraphProto.Builder g, Map<String, float[]> dq);
  }

  private static Quantized rewrite(ModelProto model, Replacement replacement) {
    GraphProto source = model.getGraph();
    Map<String, TensorProto> inits = new HashMap<>();
    source.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    Map<String, Integer> uses = new HashMap<>();
    source.getNodeList().forEach(nd -> nd.getInputList().forEach(i -> uses.merge(i, 1, Integer::sum)));
    GraphProto.Builder g = source.toBuilder().clearNode();
    Map<String, float[]> dq = new LinkedHashMap<>();
    for (NodeProto node : source.getNodeList()) {
      TensorProto w = node.getOpType().equals("MatMul") && node.getDomain().isEmpty()
          ? inits.get(node.getInput(1)) : null;
      boolean eligible = w != null && w.getDataType() == FLOAT && w.getDimsCount() == 2 && w.hasRawData()
          && uses.get(node.getInput(1)) == 1;
      if (!eligible || !replacement.apply(node, floatsOf(w), (int) w.getDims(0), (int) w.getDims(1), g, dq)) {
        g.addNode(node);
      }
    }
    // drop the float matrices that were replaced
    for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
      if (dq.containsKey(g.getInitializer(i).getName())) {
        g.removeInitializer(i);
      }
    }
    ModelProto.Builder out = model.toBuilder().setGraph(g);
    if (out.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS_DOMAIN))) {
      out.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    return new Quantized(out.build(), dq);
  }

  private static float[] floatsOf(TensorProto t) {
    float[] out = new float[t.getRawData().size() / Float.BYTES];
    t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static TensorProto floats(String name, long[] dims, float[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }
}
