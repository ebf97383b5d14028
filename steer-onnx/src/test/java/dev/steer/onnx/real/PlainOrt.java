package dev.steer.onnx.real;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test reference: one full forward pass of an ONNX graph file as its exporter wrote it, in plain ONNX
 * Runtime with no Steer code in between: ids, mask and positions typed as the graph declares, every past
 * input empty in its declared type, logits read back as float32.
 */
final class PlainOrt {
  private PlainOrt() {}

  static float[][] logits(Path graph, int[] ids) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OnnxTensor> owned = new ArrayList<>();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(graph.toString(), opts)) {
      int n = ids.length;
      Map<String, OnnxTensor> in = new HashMap<>();
      for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
        TensorInfo info = (TensorInfo) e.getValue().getInfo();
        String name = e.getKey();
        long[] values = new long[n];
        long[] shape = {1, n};
        if (name.equals("input_ids")) {
          for (int i = 0; i < n; i++) {
            values[i] = ids[i];
          }
        } else if (name.equals("attention_mask")) {
          java.util.Arrays.fill(values, 1);
        } else if (name.equals("position_ids")) {
          for (int i = 0; i < n; i++) {
            values[i] = i;
          }
        } else {
          long[] s = info.getShape().clone();
          for (int k = 0; k < s.length; k++) {
            if (s[k] < 0) {
              s[k] = k == s.length - 4 ? 1 : 0; // the batch axis, else the (past) sequence axis
            }
          }
          OnnxTensor t = OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), s, info.type);
          owned.add(t);
          in.put(name, t);
          continue;
        }
        OnnxTensor t = info.type == OnnxJavaType.INT32
            ? OnnxTensor.createTensor(env, IntBuffer.wrap(java.util.Arrays.stream(values).mapToInt(x -> (int) x).toArray()), shape)
            : OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
        owned.add(t);
        in.put(name, t);
      }
      try (OrtSession.Result r = session.run(in, java.util.Set.of("logits"))) {
        OnnxTensor logits = (OnnxTensor) r.get("logits").orElseThrow();
        long[] s = logits.getInfo().getShape();
        int vocab = (int) s[2];
        FloatBuffer fb = logits.getFloatBuffer();
        float[][] out = new float[n][vocab];
        for (int i = 0; i < n; i++) {
          fb.get(out[i]);
        }
        return out;
      }
    } finally {
      owned.forEach(OnnxTensor::close);
    }
  }
}
