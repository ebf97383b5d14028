package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Converts a float32 graph to float16 or bfloat16 throughout, as Optimum's {@code --dtype fp16} and
 * onnxruntime's {@code convert_float_to_float16(keep_io_types=False)} do: every float32 initializer, graph
 * input, output and declared intermediate, every {@code Cast} to float32 and every float32 {@code Constant}
 * / {@code ConstantOfShape} value. Values are rounded to nearest, ties to even; float32 values beyond the
 * half range become ±infinity. Stateless.
 */
public final class HalfPrecision {
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  private HalfPrecision() {}

  /**
   * A copy of {@code model} computing in {@code type}.
   *
   * @param type {@link TensorProto.DataType#FLOAT16_VALUE} or {@link TensorProto.DataType#BFLOAT16_VALUE}
   */
  public static ModelProto convert(ModelProto model, int type) {
    checkNotNull(model, "model");
    checkArgument(type == TensorProto.DataType.FLOAT16_VALUE || type == TensorProto.DataType.BFLOAT16_VALUE,
        "type must be FLOAT16 or BFLOAT16: %s", TensorProto.DataType.forNumber(type));
    GraphProto.Builder g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      g.setInitializer(i, tensor(g.getInitializer(i), type));
    }
    for (int i = 0; i < g.getInputCount(); i++) {
      g.setInput(i, value(g.getInput(i), type));
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      g.setOutput(i, value(g.getOutput(i), type));
    }
    for (int i = 0; i < g.getValueInfoCount(); i++) {
      g.setValueInfo(i, value(g.getValueInfo(i), type));
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      g.setNode(i, node(g.getNode(i), type));
    }
    return model.toBuilder().setGraph(g).build();
  }

  private static NodeProto node(NodeProto n, int type) {
    NodeProto.Builder b = n.toBuilder();
    for (int k = 0; k < b.getAttributeCount(); k++) {
      AttributeProto a = b.getAttribute(k);
      if (n.getOpType().equals("Cast") && a.getName().equals("to") && a.getI() == FLOAT) {
        b.setAttribute(k, a.toBuilder().setI(type));
      } else if (a.hasT() && a.getT().getDataType() == FLOAT) {
        b.setAttribute(k, a.toBuilder().setT(tensor(a.getT(), type)));
      } else if (a.hasG()) { // an If or Loop body
        b.setAttribute(k, a.toBuilder().setG(convert(ModelProto.newBuilder().setGraph(a.getG()).build(), type).getGraph()));
      }
    }
    return b.build();
  }

  private static ValueInfoProto value(ValueInfoProto v, int type) {
    if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType() != FLOAT) {
      return v;
    }
    TypeProto.Builder t = v.getType().toBuilder();
    t.getTensorTypeBuilder().setElemType(type);
    return v.toBuilder().setType(t).build();
  }

  private static TensorProto tensor(TensorProto t, int type) {
    if (t.getDataType() != FLOAT) {
      return t;
    }
    checkArgument(t.getDataLocation() != TensorProto.DataLocation.EXTERNAL,
        "tensor %s has external data; convert a model whose weights are inline", t.getName());
    float[] values;
    if (t.hasRawData()) {
      FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      values = new float[fb.remaining()];
      fb.get(values);
    } else {
      values = new float[t.getFloatDataCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = t.getFloatData(i);
      }
    }
    ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : values) {
      out.putShort(type == TensorProto.DataType.FLOAT16_VALUE ? toHalf(f) : toBfloat16(f));
    }
    return t.toBuilder().clearFloatData().setDataType(type).setRawData(ByteString.copyFrom(out.array())).build();
  }

  /** IEEE 754 binary16 bits of {@code f}, rounded to nearest even. */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0)); // inf or NaN
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00); // overflow
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // underflow to zero
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, up to infinity: correct rounding
    }
    return (short) (sign | half);
  }

  /** bfloat16 bits of {@code f}: the upper half of its float32 bits, rounded to nearest even. */
  static short toBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
