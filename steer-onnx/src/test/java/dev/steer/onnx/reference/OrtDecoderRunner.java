package dev.steer.onnx.reference;

import static com.google.common.base.Preconditions.checkArgument;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steer.onnx.export.DecoderConfig;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test helper: runs an exported decoder-with-past model in ONNX Runtime, feeding each step's {@code
 * present.*} back as the next step's {@code past_key_values.*}. Closes every tensor and result it creates;
 * close the runner to close the session. Not thread-safe.
 */
public final class OrtDecoderRunner implements AutoCloseable {

  /**
   * What one call returned, copied out of ONNX Runtime.
   *
   * @param logits row-major [batch, seq, vocab]
   * @param keys per layer, row-major [batch, kv_heads, total, head_dim]
   * @param values per layer, same shape as keys
   * @param batch batch size
   * @param seq query length of the call
   * @param total past + seq
   * @param logitsShape the shape ONNX Runtime reported for {@code logits}
   * @param presentShape the shape ONNX Runtime reported for {@code present.0.key}
   */
  public record Step(
      float[] logits,
      List<float[]> keys,
      List<float[]> values,
      int batch,
      int seq,
      int total,
      long[] logitsShape,
      long[] presentShape) {

    /** Logits of row {@code b}, position {@code t} of this call. */
    public float[] logitsAt(int b, int t, int vocab) {
      float[] out = new float[vocab];
      System.arraycopy(logits, (b * seq + t) * vocab, out, 0, vocab);
      return out;
    }
  }

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final DecoderConfig config;

  /** Opens {@code modelFile} (external data is found next to it). */
  public OrtDecoderRunner(Path modelFile, DecoderConfig config) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      this.session = env.createSession(modelFile.toString(), options);
    }
    this.config = config;
  }

  /** Input names in declaration order. */
  public List<String> inputNames() throws OrtException {
    return new ArrayList<>(session.getInputNames());
  }

  /** Output names in declaration order. */
  public List<String> outputNames() throws OrtException {
    return new ArrayList<>(session.getOutputNames());
  }

  /** A first call (empty cache) on one row with positions 0..n−1 and no padding. */
  public Step prefill(long[] ids) throws OrtException {
    long[] mask = new long[ids.length];
    long[] pos = new long[ids.length];
    for (int t = 0; t < ids.length; t++) {
      mask[t] = 1;
      pos[t] = t;
    }
    return run(new long[][] {ids}, new long[][] {mask}, new long[][] {pos}, null);
  }

  /**
   * One call. {@code past} is the previous step (null for an empty cache); {@code mask} covers past + seq.
   * Past key/values are fed only if the graph declares them, and a merged graph's {@code use_cache_branch}
   * is true iff {@code past} is given.
   */
  public Step run(long[][] ids, long[][] mask, long[][] positions, Step past) throws OrtException {
    int batch = ids.length;
    int seq = ids[0].length;
    int total = mask[0].length;
    int pastLen = past == null ? 0 : past.total();
    checkArgument(total == pastLen + seq, "mask length %s != past %s + seq %s", total, pastLen, seq);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", longs(ids));
      inputs.put("attention_mask", longs(mask));
      inputs.put("position_ids", longs(positions));
      Set<String> declared = session.getInputNames();
      if (declared.contains("use_cache_branch")) {
        inputs.put("use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {past != null}));
      }
      long[] pastShape = {batch, config.numKvHeads(), pastLen, config.headDim()};
      for (int i = 0; declared.contains("past_key_values." + i + ".key") && i < config.numLayers(); i++) {
        float[] k = past == null ? new float[0] : past.keys().get(i);
        float[] v = past == null ? new float[0] : past.values().get(i);
        inputs.put("past_key_values." + i + ".key", floats(k, pastShape));
        inputs.put("past_key_values." + i + ".value", floats(v, pastShape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor logitsTensor = (OnnxTensor) result.get("logits").orElseThrow();
        float[] logits = floats(logitsTensor);
        long[] presentShape =
            ((OnnxTensor) result.get("present.0.key").orElseThrow()).getInfo().getShape();
        List<float[]> keys = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
          keys.add(floats((OnnxTensor) result.get("present." + i + ".key").orElseThrow()));
          values.add(floats((OnnxTensor) result.get("present." + i + ".value").orElseThrow()));
        }
        return new Step(
            logits, keys, values, batch, seq, total, logitsTensor.getInfo().getShape(), presentShape);
      }
    } finally {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
    }
  }

  private OnnxTensor longs(long[][] rows) throws OrtException {
    int cols = rows[0].length;
    LongBuffer buf = LongBuffer.allocate(rows.length * cols);
    for (long[] row : rows) {
      checkArgument(row.length == cols, "ragged input rows");
      buf.put(row);
    }
    buf.flip();
    return OnnxTensor.createTensor(env, buf, new long[] {rows.length, cols});
  }

  private OnnxTensor floats(float[] data, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
  }

  private static float[] floats(OnnxTensor t) {
    FloatBuffer b = t.getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
