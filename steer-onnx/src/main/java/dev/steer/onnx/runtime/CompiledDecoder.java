package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkArgument;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.steer.hook.HookPoint;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX Runtime session(s) over a decoder rewritten for one plan shape and one capture set, and the
 * single forward pass they run. A split or merged export has a second session without past inputs: a pass
 * whose past is empty (the prefill) runs it, every other pass the with-past session. Sessions are
 * thread-safe for {@code run}, so one compiled decoder serves any number of concurrent generations; it is
 * closed by the model that cached it.
 */
final class CompiledDecoder implements AutoCloseable {

  /** Inputs of GroupQueryAttention graphs, filled as onnxruntime-genai fills them. */
  static final String SEQLENS_K = "seqlens_k";
  static final String TOTAL_SEQUENCE_LENGTH = "total_sequence_length";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession prefill;
  final PlanLayout layout;
  final Set<HookPoint> captures;
  private final DecoderIo io;
  private final Map<String, NodeInfo> inputs;
  private final Map<String, NodeInfo> prefillInputs;
  private final List<String> pastNames;
  private final List<String> presentNames;
  private final long[] emptyPastShape; // with the batch axis to fill in
  private final int batchAxis;
  private final OnnxJavaType pastType;

  /**
   * @param session the decoder that takes past key/values
   * @param prefill the decoder without past inputs, or null to prefill with {@code session} and empty past
   * @throws IllegalArgumentException naming inputs the graph has that Steer cannot fill
   */
  CompiledDecoder(OrtEnvironment env, OrtSession session, OrtSession prefill, PlanLayout layout,
      Set<HookPoint> captures, ModelConfig config, DecoderIo io) throws OrtException {
    this.env = env;
    this.session = session;
    this.prefill = prefill;
    this.layout = layout;
    this.captures = ImmutableSet.copyOf(captures);
    this.io = io;
    this.inputs = ImmutableMap.copyOf(session.getInputInfo());
    this.prefillInputs = prefill == null ? this.inputs : ImmutableMap.copyOf(prefill.getInputInfo());
    this.pastNames = ImmutableList.copyOf(io.pastNames(inputs.keySet()));
    this.presentNames = ImmutableList.copyOf(io.presentNames(inputs.keySet()));
    checkKnownInputs(inputs.keySet());
    checkKnownInputs(prefillInputs.keySet());
    if (pastNames.isEmpty()) {
      emptyPastShape = new long[0];
      batchAxis = 0;
      pastType = OnnxJavaType.FLOAT;
    } else {
      TensorInfo past = (TensorInfo) inputs.get(pastNames.get(0)).getInfo();
      long[] s = past.getShape().clone();
      int rank = s.length;
      checkArgument(rank == 4 || rank == 5, "past input %s has rank %s; expected [batch, kv_heads, seq,"
          + " head_dim] or packed [2, batch, heads, seq, head_dim]", pastNames.get(0), rank);
      batchAxis = rank - 4;
      if (rank == 5) {
        s[0] = 2;
      }
      s[rank - 2] = 0;
      s[rank - 3] = s[rank - 3] > 0 ? s[rank - 3] : io.packed() ? config.heads() : config.kvHeads();
      s[rank - 1] = s[rank - 1] > 0 ? s[rank - 1] : config.headDim();
      emptyPastShape = s;
      pastType = past.type;
    }
  }

  private void checkKnownInputs(Set<String> names) {
    Set<String> unknown = new TreeSet<>();
    for (String n : names) {
      boolean known = n.equals(io.inputIds()) || n.equals(io.attentionMask()) || n.equals(io.positionIds())
          || pastNames.contains(n) || n.startsWith("steer.") || n.equals(SEQLENS_K)
          || n.equals(TOTAL_SEQUENCE_LENGTH);
      if (!known) {
        unknown.add(n);
      }
    }
    checkArgument(unknown.isEmpty(), "the graph has inputs Steer does not know how to fill: %s (it feeds %s,"
        + " %s, %s, the KV cache (%s), and GroupQueryAttention's %s and %s)", unknown, io.inputIds(),
        io.attentionMask(), io.positionIds(), io.cacheForm(), SEQLENS_K, TOTAL_SEQUENCE_LENGTH);
  }

  boolean usesCache() {
    return !pastNames.isEmpty();
  }

  /** The KV cache's element type as the graph declares it. */
  OnnxJavaType cacheType() {
    return pastType;
  }

  /** The input and output names this decoder uses. */
  DecoderIo io() {
    return io;
  }

  /** Empty past tensors (sequence length 0) of the graph's type for the first pass; the caller owns them. */
  Map<String, OnnxTensor> emptyPast(int batch) throws OrtException {
    Map<String, OnnxTensor> out = new HashMap<>();
    long[] shape = emptyPastShape.clone();
    shape[batchAxis] = batch;
    try {
      for (String n : pastNames) {
        out.put(n, OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), shape, pastType));
      }
      return out;
    } catch (OrtException e) {
      out.values().forEach(OnnxTensor::close);
      throw e;
    }
  }

  /**
   * Runs one forward pass; with an empty {@code past} (no tensors, or ones of length 0) on the prefill
   * session when there is one. Token ids, mask and positions are fed in the integer type the graph
   * declares; inputs the running graph does not declare are not fed. The returned result owns logits,
   * presents and captures; the caller closes it (typically after the next pass has consumed its presents).
   */
  OrtSession.Result run(long[] ids, long[] attention, long[] positions, int batch, int width,
      Map<String, OnnxTensor> past, Map<String, OnnxTensor> steering, Set<String> wantedCaptures)
      throws OrtException {
    boolean prefilling = prefill != null && isEmpty(past);
    OrtSession target = prefilling ? prefill : session;
    Map<String, NodeInfo> accepted = prefilling ? prefillInputs : inputs;
    List<OnnxTensor> made = new ArrayList<>(5);
    try {
      Map<String, OnnxTensor> in = new HashMap<>();
      if (!prefilling) {
        in.putAll(past);
      }
      in.putAll(steering);
      int total = attention.length / batch;
      feed(in, made, accepted, io.inputIds(), ids, new long[] {batch, width});
      feed(in, made, accepted, io.attentionMask(), attention, new long[] {batch, total});
      feed(in, made, accepted, io.positionIds(), positions, new long[] {batch, width});
      if (accepted.containsKey(SEQLENS_K)) {
        long[] seqlens = new long[batch];
        for (int r = 0; r < batch; r++) {
          for (int c = 0; c < total; c++) {
            seqlens[r] += attention[r * total + c];
          }
          seqlens[r] -= 1;
        }
        feed(in, made, accepted, SEQLENS_K, seqlens, new long[] {batch});
      }
      feed(in, made, accepted, TOTAL_SEQUENCE_LENGTH, new long[] {total}, new long[0]);
      Set<String> outs = new HashSet<>(presentNames);
      outs.add(io.logits());
      outs.addAll(wantedCaptures);
      return target.run(in, outs);
    } finally {
      made.forEach(OnnxTensor::close);
    }
  }

  /** Adds {@code name} as a tensor of the integer type the graph declares for it, if the graph has it. */
  private void feed(Map<String, OnnxTensor> in, List<OnnxTensor> made, Map<String, NodeInfo> accepted, String name,
      long[] values, long[] shape) throws OrtException {
    NodeInfo info = accepted.get(name);
    if (info == null) {
      return;
    }
    OnnxJavaType type = info.getInfo() instanceof TensorInfo t ? t.type : OnnxJavaType.INT64;
    OnnxTensor tensor;
    if (type == OnnxJavaType.INT32) {
      int[] narrow = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        narrow[i] = Math.toIntExact(values[i]);
      }
      tensor = OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
    } else if (type == OnnxJavaType.INT64) {
      tensor = OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    } else {
      throw new IllegalArgumentException("input " + name + " has element type " + type
          + "; Steer feeds it as int32 or int64");
    }
    made.add(tensor);
    in.put(name, tensor);
  }

  private static boolean isEmpty(Map<String, OnnxTensor> past) {
    for (OnnxTensor t : past.values()) {
      long[] s = t.getInfo().getShape();
      return s[s.length - 2] == 0;
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

  /**
   * The with-past session's inputs and outputs without Steer's own, each as "TYPE[dims]" in graph order,
   * e.g. {@code input_ids → INT32[-1, -1]} (−1 for a symbolic dimension).
   */
  Map<String, String> signature() throws OrtException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
      if (!e.getKey().startsWith("steer.")) {
        out.put("in  " + e.getKey(), describe(e.getValue()));
      }
    }
    for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
      out.put("out " + e.getKey(), describe(e.getValue()));
    }
    return out;
  }

  private static String describe(NodeInfo info) {
    return info.getInfo() instanceof TensorInfo t
        ? t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "") + java.util.Arrays.toString(t.getShape())
        : info.getInfo().toString();
  }

  /** The logits of a pass's result. */
  OnnxTensor logits(OrtSession.Result result) {
    return (OnnxTensor) result.get(io.logits()).orElseThrow();
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
