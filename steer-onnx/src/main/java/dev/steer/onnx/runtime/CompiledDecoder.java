package dev.steer.onnx.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.steer.hook.HookPoint;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX Runtime session(s) over a decoder rewritten for one plan shape and one capture set, and the
 * single forward pass they run. A split or merged export has a second session without past inputs: a pass
 * whose past is empty (the prefill) runs it, every other pass the with-past session. Sessions are
 * thread-safe for {@code run}, so one compiled decoder serves any number of concurrent generations; it is
 * closed by the model that cached it.
 */
final class CompiledDecoder implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession prefill;
  final PlanLayout layout;
  final Set<HookPoint> captures;
  private final Set<String> inputs;
  private final Set<String> prefillInputs;
  private final List<String> pastNames;
  private final List<String> presentNames;
  private final int kvHeads;
  private final int headDim;

  /**
   * @param session the decoder that takes past key/values
   * @param prefill the decoder without past inputs, or null to prefill with {@code session} and empty past
   */
  CompiledDecoder(OrtEnvironment env, OrtSession session, OrtSession prefill, PlanLayout layout,
      Set<HookPoint> captures, ModelConfig config) throws OrtException {
    this.env = env;
    this.session = session;
    this.prefill = prefill;
    this.layout = layout;
    this.captures = ImmutableSet.copyOf(captures);
    Map<String, NodeInfo> inputs = session.getInputInfo();
    this.inputs = ImmutableSet.copyOf(inputs.keySet());
    this.prefillInputs = prefill == null ? this.inputs : ImmutableSet.copyOf(prefill.getInputInfo().keySet());
    List<String> past = new ArrayList<>();
    List<String> present = new ArrayList<>();
    for (int i = 0; inputs.containsKey("past_key_values." + i + ".key"); i++) {
      past.add("past_key_values." + i + ".key");
      past.add("past_key_values." + i + ".value");
      present.add("present." + i + ".key");
      present.add("present." + i + ".value");
    }
    this.pastNames = ImmutableList.copyOf(past);
    this.presentNames = ImmutableList.copyOf(present);
    int kv = config.kvHeads();
    int hd = config.headDim();
    if (!past.isEmpty() && inputs.get(past.get(0)).getInfo() instanceof TensorInfo t && t.getShape().length == 4) {
      long[] s = t.getShape();
      kv = s[1] > 0 ? (int) s[1] : kv;
      hd = s[3] > 0 ? (int) s[3] : hd;
    }
    this.kvHeads = kv;
    this.headDim = hd;
  }

  boolean usesCache() {
    return !pastNames.isEmpty();
  }

  /** Empty past tensors [batch, kvHeads, 0, headDim] for the first pass; the caller owns them. */
  Map<String, OnnxTensor> emptyPast(int batch) throws OrtException {
    Map<String, OnnxTensor> out = new HashMap<>();
    try {
      for (String n : pastNames) {
        out.put(n, OnnxTensor.createTensor(env, java.nio.FloatBuffer.allocate(0), new long[] {batch, kvHeads, 0, headDim}));
      }
      return out;
    } catch (OrtException e) {
      out.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  /**
   * Runs one forward pass; with an empty {@code past} (no tensors, or ones of length 0) on the prefill
   * session when there is one. Inputs the running graph does not declare are not fed. The returned result
   * owns logits, presents and captures; the caller closes it (typically after the next pass has consumed
   * its presents).
   */
  OrtSession.Result run(long[] ids, long[] attention, long[] positions, int batch, int width,
      Map<String, OnnxTensor> past, Map<String, OnnxTensor> steering, Set<String> wantedCaptures)
      throws OrtException {
    boolean prefilling = prefill != null && isEmpty(past);
    OrtSession target = prefilling ? prefill : session;
    Set<String> accepted = prefilling ? prefillInputs : inputs;
    List<OnnxTensor> made = new ArrayList<>(3);
    try {
      Map<String, OnnxTensor> in = new HashMap<>();
      if (!prefilling) {
        in.putAll(past);
      }
      in.putAll(steering);
      OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {batch, width});
      made.add(idsT);
      in.put("input_ids", idsT);
      if (accepted.contains("attention_mask")) {
        OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(attention),
            new long[] {batch, attention.length / batch});
        made.add(maskT);
        in.put("attention_mask", maskT);
      }
      if (accepted.contains("position_ids")) {
        OnnxTensor posT = OnnxTensor.createTensor(env, LongBuffer.wrap(positions), new long[] {batch, width});
        made.add(posT);
        in.put("position_ids", posT);
      }
      Set<String> outs = new HashSet<>(presentNames);
      outs.add("logits");
      outs.addAll(wantedCaptures);
      return target.run(in, outs);
    } finally {
      made.forEach(OnnxTensor::close);
    }
  }

  private static boolean isEmpty(Map<String, OnnxTensor> past) {
    for (OnnxTensor t : past.values()) {
      long[] s = t.getInfo().getShape();
      return s.length == 4 && s[2] == 0;
    }
    return true;
  }

  /** Maps this pass's presents to next pass's past names (tensors still owned by {@code result}). */
  Map<String, OnnxTensor> presentsAsPast(OrtSession.Result result) {
    Map<String, OnnxTensor> out = new HashMap<>();
    for (int i = 0; i < pastNames.size(); i++) {
      out.put(pastNames.get(i), (OnnxTensor) result.get(presentNames.get(i)).orElseThrow());
    }
    return out;
  }

  @Override
  public void close() throws OrtException {
    try {
      session.close();
    } finally {
      if (prefill != null) {
        prefill.close();
      }
    }
  }
}
