package dev.steer.examples.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.steer.onnx.runtime.ExecutionDevice;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: a minimal greedy loop over the original, unrewritten {@code model.onnx} with plain ONNX
 * Runtime calls: prefill, then one token per step feeding the presents back as the past, argmax of the
 * last position's logits in Java. Session options match what Steer sets (all graph optimisations, the
 * device's intra-op threads, CUDA when asked). No stop tokens, no text decoding. Prompts of one batch must
 * have equal length (no padding). Not thread-safe; close it.
 */
final class PlainOrtGreedy implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final boolean hasPositionIds;
  private final List<String> pastNames = new ArrayList<>();
  private final List<String> presentNames = new ArrayList<>();
  private final long kvHeads;
  private final long headDim;

  PlainOrtGreedy(Path modelFile, ExecutionDevice device) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (device.intraOpThreads() > 0) {
        opts.setIntraOpNumThreads(device.intraOpThreads());
      }
      if (device.cuda()) {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device.deviceId())) {
          opts.addCUDA(cuda);
        }
      }
      session = env.createSession(modelFile.toString(), opts);
    }
    Map<String, NodeInfo> inputs = session.getInputInfo();
    hasPositionIds = inputs.containsKey("position_ids");
    for (int i = 0; inputs.containsKey("past_key_values." + i + ".key"); i++) {
      pastNames.add("past_key_values." + i + ".key");
      pastNames.add("past_key_values." + i + ".value");
      presentNames.add("present." + i + ".key");
      presentNames.add("present." + i + ".value");
    }
    long[] s = ((TensorInfo) inputs.get(pastNames.get(0)).getInfo()).getShape();
    kvHeads = s[1];
    headDim = s[3];
  }

  /** Generates exactly {@code newTokens} greedy tokens after each prompt; returns them per row. */
  int[][] generate(int[][] prompts, int newTokens) throws OrtException {
    int batch = prompts.length;
    int promptLength = prompts[0].length;
    int total = promptLength + newTokens;
    int[][] out = new int[batch][newTokens];
    long[] ids = new long[batch * promptLength];
    for (int r = 0; r < batch; r++) {
      for (int c = 0; c < promptLength; c++) {
        ids[r * promptLength + c] = prompts[r][c];
      }
    }
    Map<String, OnnxTensor> past = new HashMap<>();
    for (String n : pastNames) {
      past.put(n, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[] {batch, kvHeads, 0, headDim}));
    }
    Map<String, OnnxTensor> emptyPast = past;
    OrtSession.Result previous = null;
    try {
      int length = 0;
      for (int step = 0; step < newTokens; step++) {
        int width = step == 0 ? promptLength : 1;
        long[] positions = new long[batch * width];
        for (int r = 0; r < batch; r++) {
          for (int c = 0; c < width; c++) {
            positions[r * width + c] = length + c;
          }
        }
        length += width;
        long[] attention = new long[batch * length];
        java.util.Arrays.fill(attention, 1L);
        Map<String, OnnxTensor> in = new HashMap<>(past);
        List<OnnxTensor> made = new ArrayList<>();
        OrtSession.Result result;
        try {
          made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch, width}));
          in.put("input_ids", made.get(made.size() - 1));
          made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(attention), new long[] {batch, length}));
          in.put("attention_mask", made.get(made.size() - 1));
          if (hasPositionIds) {
            made.add(OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {batch, width}));
            in.put("position_ids", made.get(made.size() - 1));
          }
          result = session.run(in);
        } finally {
          made.forEach(OnnxTensor::close);
        }
        if (previous != null) {
          previous.close();
        }
        previous = result;
        FloatBuffer logits = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
        int vocab = logits.capacity() / (batch * width);
        ids = new long[batch];
        for (int r = 0; r < batch; r++) {
          int token = argmax(logits, (r * width + width - 1) * vocab, vocab);
          out[r][step] = token;
          ids[r] = token;
        }
        past = new HashMap<>();
        for (int i = 0; i < pastNames.size(); i++) {
          past.put(pastNames.get(i), (OnnxTensor) result.get(presentNames.get(i)).orElseThrow());
        }
      }
      if (total != length + 1) {
        throw new IllegalStateException("fed " + length + " positions for " + total + " tokens");
      }
    } finally {
      if (previous != null) {
        previous.close();
      }
      emptyPast.values().forEach(OnnxTensor::close);
    }
    return out;
  }

  /** Index of the largest of {@code n} values from {@code offset}; ties keep the lowest index. */
  private static int argmax(FloatBuffer b, int offset, int n) {
    int best = 0;
    float max = b.get(offset);
    for (int i = 1; i < n; i++) {
      float v = b.get(offset + i);
      if (v > max) {
        max = v;
        best = i;
      }
    }
    return best;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
