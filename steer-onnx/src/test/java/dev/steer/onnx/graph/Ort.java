package dev.steer.onnx.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs models in tests: plain Java arrays in, float [batch][seq][d] outputs out, every native object closed. */
final class Ort {
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private Ort() {}

  static OrtSession session(ModelProto model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      return ENV.createSession(model.toByteArray(), options);
    }
  }

  /**
   * Runs {@code session}; inputs are long[][] (ids), float[][] (masks), float[] (vectors) or Float (scalars).
   * Returns every rank-3 float output by name.
   */
  static Map<String, float[][][]> run(OrtSession session, Map<String, Object> inputs) throws OrtException {
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try {
      for (Map.Entry<String, Object> e : inputs.entrySet()) {
        tensors.put(e.getKey(), tensor(e.getValue()));
      }
      Map<String, float[][][]> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(tensors)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue().getValue() instanceof float[][][] f) {
            out.put(e.getKey(), f);
          }
        }
      }
      return out;
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor tensor(Object value) throws OrtException {
    if (value instanceof Float f) {
      return OnnxTensor.createTensor(ENV, f.floatValue());
    }
    return OnnxTensor.createTensor(ENV, value);
  }

  static float maxAbsDiff(float[][][] a, float[][][] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        for (int k = 0; k < a[i][j].length; k++) {
          max = Math.max(max, Math.abs(a[i][j][k] - b[i][j][k]));
        }
      }
    }
    return max;
  }
}
