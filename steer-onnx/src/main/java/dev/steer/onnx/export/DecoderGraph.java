package dev.steer.onnx.export;

import static dev.steer.onnx.export.GraphBuilder.BOOL;
import static dev.steer.onnx.export.GraphBuilder.FLOAT;
import static dev.steer.onnx.export.GraphBuilder.INT64;
import static dev.steer.onnx.export.GraphBuilder.floatAttr;
import static dev.steer.onnx.export.GraphBuilder.intAttr;
import static dev.steer.onnx.export.GraphBuilder.intsAttr;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the nodes of a decoder-with-past graph (Optimum conventions) for one {@link DecoderConfig} into
 * a {@link GraphBuilder}. The formulas are those of the Hugging Face PyTorch modules, in float32:
 *
 * <ul>
 *   <li>mask: key j is visible from query i (absolute position past + i) iff j ≤ past + i and
 *       attention_mask[b, j] = 1, and in a sliding-window layer also j > past + i − window; hidden scores
 *       are replaced by −1e9 before the softmax;
 *   <li>LayerNorm (GPT-2): (x − mean) / √(var + ε) · γ + β; RMSNorm: x / √(mean(x²) + ε) · g, with g = w
 *       (Llama) or 1 + w (Gemma-2);
 *   <li>RoPE: for θ_j = pos · ropeTheta^(−2j/hd), x' = x·cos + rotate_half(x)·sin with rotate_half(x) =
 *       [−x₂, x₁] over the two halves of the head;
 *   <li>gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); SiLU: x·σ(x).
 * </ul>
 */
final class DecoderGraph {

  private static final float MASKED = -1e9f;

  private final DecoderConfig c;
  private final DecoderWeights w;
  private final GraphBuilder g;
  private final boolean gpt2;
  private final boolean gemma;
  private final boolean withPast;

  private String allowed;
  private String allowedInWindow;
  private String cos;
  private String sin;

  private DecoderGraph(DecoderWeights weights, GraphBuilder builder, boolean withPast) {
    this.withPast = withPast;
    this.c = weights.config();
    this.w = weights;
    this.g = builder;
    this.gpt2 = c.architecture() == Architecture.GPT2;
    this.gemma = c.architecture() == Architecture.GEMMA2;
  }

  /** Builds the whole decoder-with-past graph of {@code weights} into a new builder. */
  static GraphBuilder build(DecoderWeights weights) {
    return build(weights, true);
  }

  /**
   * Builds the whole graph of {@code weights} into a new builder; without past, the graph has no {@code
   * past_key_values.*} inputs and its presents are the keys and values of this call alone (Optimum's
   * {@code decoder_model.onnx}).
   */
  static GraphBuilder build(DecoderWeights weights, boolean withPast) {
    GraphBuilder builder = new GraphBuilder(
        "steer_" + weights.config().architecture().modelType() + (withPast ? "" : "_no_past"));
    new DecoderGraph(weights, builder, withPast).build();
    return builder;
  }

  private void build() {
    declareInputsAndOutputs();
    buildMask();
    String h = gpt2 ? gpt2Embeddings() : llamaEmbeddings();
    if (!gpt2) {
      buildRotaryTables();
    }
    for (int i = 0; i < c.numLayers(); i++) {
      h = gpt2 ? gpt2Block(i, h) : llamaBlock(i, h);
    }
    head(h);
  }

  private void declareInputsAndOutputs() {
    g.input("input_ids", INT64, "batch_size", "sequence_length");
    g.input("attention_mask", INT64, "batch_size", "total_sequence_length");
    g.input("position_ids", INT64, "batch_size", "sequence_length");
    long kv = c.numKvHeads();
    long hd = c.headDim();
    for (int i = 0; withPast && i < c.numLayers(); i++) {
      g.input("past_key_values." + i + ".key", FLOAT, "batch_size", kv, "past_sequence_length", hd);
      g.input("past_key_values." + i + ".value", FLOAT, "batch_size", kv, "past_sequence_length", hd);
    }
    g.output("logits", FLOAT, "batch_size", "sequence_length", (long) c.vocabSize());
    for (int i = 0; i < c.numLayers(); i++) {
      g.output("present." + i + ".key", FLOAT, "batch_size", kv, "total_sequence_length", hd);
      g.output("present." + i + ".value", FLOAT, "batch_size", kv, "total_sequence_length", hd);
    }
  }

  /** allowed[b, 0, i, j] = (j ≤ past + i) ∧ attention_mask[b, j] ≠ 0, shape [batch, 1, seq, total]. */
  private void buildMask() {
    String s = "/model/mask";
    String seqLen = slice1(s, g.op(s, "Shape", List.of("input_ids")), 1);
    String total = slice1(s, g.op(s, "Shape", List.of("attention_mask")), 1);
    String past = g.op(s, "Sub", List.of(total, seqLen));
    String totalScalar = g.op(s, "Squeeze", List.of(total, g.int64s(0)));
    String pastScalar = g.op(s, "Squeeze", List.of(past, g.int64s(0)));
    String one = g.int64Scalar(1);
    String keys = g.op(s, "Range", List.of(g.int64Scalar(0), totalScalar, one));
    String queries = g.op(s, "Range", List.of(pastScalar, totalScalar, one));
    String causal =
        g.op(
            s,
            "LessOrEqual",
            List.of(
                g.op(s, "Unsqueeze", List.of(keys, g.int64s(0))),
                g.op(s, "Unsqueeze", List.of(queries, g.int64s(1)))));
    String padding = g.op(s, "Cast", List.of("attention_mask"), intAttr("to", BOOL));
    String padding4 = g.op(s, "Unsqueeze", List.of(padding, g.int64s(1, 2)));
    allowed = g.op(s, "And", List.of(causal, padding4));
    if (c.slidingWindow() > 0) {
      // key j is inside the window of query q iff q − j < window, i.e. j + window > q
      String inWindow =
          g.op(
              s,
              "Greater",
              List.of(
                  g.op(s, "Unsqueeze", List.of(
                      g.op(s, "Add", List.of(keys, g.int64Scalar(c.slidingWindow()))), g.int64s(0))),
                  g.op(s, "Unsqueeze", List.of(queries, g.int64s(1)))));
      allowedInWindow = g.op(s, "And", List.of(allowed, inWindow));
    }
  }

  private String slice1(String scope, String shape, long index) {
    return g.op(
        scope, "Slice", List.of(shape, g.int64s(index), g.int64s(index + 1), g.int64s(0)));
  }

  private String gpt2Embeddings() {
    String s = "/transformer";
    String tokens =
        g.op(s + "/wte", "Gather", List.of(param("transformer.wte.weight"), "input_ids"));
    String positions =
        g.op(s + "/wpe", "Gather", List.of(param("transformer.wpe.weight"), "position_ids"));
    return g.op(s, "Add", List.of(tokens, positions));
  }

  private String llamaEmbeddings() {
    String s = "/model/embed_tokens";
    String tokens = g.op(s, "Gather", List.of(param("model.embed_tokens.weight"), "input_ids"));
    if (!gemma) {
      return tokens;
    }
    return g.op("/model", "Mul", List.of(tokens, g.scalar((float) Math.sqrt(c.hiddenSize()))));
  }

  /** cos/sin of [B, 1, S, hd]: emb = concat(freqs, freqs), freqs = position · inv_freq. */
  private void buildRotaryTables() {
    String s = "/model/rotary_emb";
    int half = c.headDim() / 2;
    float[] invFreq = new float[half];
    for (int j = 0; j < half; j++) {
      invFreq[j] = (float) (1.0 / Math.pow(c.ropeTheta(), 2.0 * j / c.headDim()));
    }
    String inv = g.weight("model.rotary_emb.inv_freq", new long[] {half}, invFreq);
    String pos = g.op(s, "Cast", List.of("position_ids"), intAttr("to", FLOAT));
    String pos3 = g.op(s, "Unsqueeze", List.of(pos, g.int64s(2)));
    String freqs = g.op(s, "Mul", List.of(pos3, inv));
    String emb = g.op(s, "Concat", List.of(freqs, freqs), intAttr("axis", -1));
    cos = g.op(s, "Unsqueeze", List.of(g.op(s, "Cos", List.of(emb)), g.int64s(1)));
    sin = g.op(s, "Unsqueeze", List.of(g.op(s, "Sin", List.of(emb)), g.int64s(1)));
  }

  private String gpt2Block(int i, String h) {
    String s = "/transformer/h." + i;
    String p = "transformer.h." + i + ".";
    int d = c.hiddenSize();
    String x = layerNorm(s + "/ln_1", h, p + "ln_1");
    String qkv = linearConv(s + "/attn/c_attn", x, p + "attn.c_attn");
    List<String> split =
        g.opMulti(s + "/attn", "Split", List.of(qkv, g.int64s(d, d, d)), 3, intAttr("axis", 2));
    String q = heads(s + "/attn", split.get(0), c.numHeads());
    String k = heads(s + "/attn", split.get(1), c.numKvHeads());
    String v = heads(s + "/attn", split.get(2), c.numKvHeads());
    String context = attention(s + "/attn", i, q, k, v);
    String attnOut = linearConv(s + "/attn/c_proj", context, p + "attn.c_proj");
    String mid = g.op(s, "Add", List.of(h, attnOut));
    String x2 = layerNorm(s + "/ln_2", mid, p + "ln_2");
    String fc = linearConv(s + "/mlp/c_fc", x2, p + "mlp.c_fc");
    String mlpOut = linearConv(s + "/mlp/c_proj", geluTanh(s + "/mlp/act", fc), p + "mlp.c_proj");
    return g.op(s, "Add", List.of(mid, mlpOut));
  }

  private String llamaBlock(int i, String h) {
    String s = "/model/layers." + i;
    String p = "model.layers." + i + ".";
    String a = s + "/self_attn";
    String x = rmsNorm(s + "/input_layernorm", h, p + "input_layernorm.weight");
    String q = heads(a, linear(a + "/q_proj", x, p + "self_attn.q_proj.weight"), c.numHeads());
    String k = heads(a, linear(a + "/k_proj", x, p + "self_attn.k_proj.weight"), c.numKvHeads());
    String v = heads(a, linear(a + "/v_proj", x, p + "self_attn.v_proj.weight"), c.numKvHeads());
    q = rotary(a + "/rotary_q", q);
    k = rotary(a + "/rotary_k", k);
    String context = attention(a, i, q, k, v);
    String attnOut = linear(a + "/o_proj", context, p + "self_attn.o_proj.weight");
    if (gemma) {
      attnOut = rmsNorm(s + "/post_attention_layernorm", attnOut, p + "post_attention_layernorm.weight");
    }
    String mid = g.op(s, "Add", List.of(h, attnOut));
    String x2 =
        gemma
            ? rmsNorm(s + "/pre_feedforward_layernorm", mid, p + "pre_feedforward_layernorm.weight")
            : rmsNorm(s + "/post_attention_layernorm", mid, p + "post_attention_layernorm.weight");
    String m = s + "/mlp";
    String gate = linear(m + "/gate_proj", x2, p + "mlp.gate_proj.weight");
    String up = linear(m + "/up_proj", x2, p + "mlp.up_proj.weight");
    String act =
        gemma
            ? geluTanh(m + "/act_fn", gate)
            : g.op(m + "/act_fn", "Mul", List.of(gate, g.op(m + "/act_fn", "Sigmoid", List.of(gate))));
    String gated = g.op(m, "Mul", List.of(act, up));
    String mlpOut = linear(m + "/down_proj", gated, p + "mlp.down_proj.weight");
    if (gemma) {
      mlpOut =
          rmsNorm(s + "/post_feedforward_layernorm", mlpOut, p + "post_feedforward_layernorm.weight");
    }
    return g.op(s, "Add", List.of(mid, mlpOut));
  }

  /** Rotates [B, n, S, hd] by the [B, 1, S, hd] tables. */
  private String rotary(String scope, String t) {
    int half = c.headDim() / 2;
    String axis = g.int64s(-1);
    String x1 = g.op(scope, "Slice", List.of(t, g.int64s(0), g.int64s(half), axis));
    String x2 = g.op(scope, "Slice", List.of(t, g.int64s(half), g.int64s(c.headDim()), axis));
    String rotated =
        g.op(scope, "Concat", List.of(g.op(scope, "Neg", List.of(x2)), x1), intAttr("axis", -1));
    return g.op(
        scope,
        "Add",
        List.of(g.op(scope, "Mul", List.of(t, cos)), g.op(scope, "Mul", List.of(rotated, sin))));
  }

  /** [B, S, n·hd] → [B, n, S, hd]. */
  private String heads(String scope, String x, int n) {
    String r = g.op(scope, "Reshape", List.of(x, g.int64s(0, 0, n, c.headDim())));
    return g.op(scope, "Transpose", List.of(r), intsAttr("perm", 0, 2, 1, 3));
  }

  /** [B, n, S, hd] → [B, S, n·hd]. */
  private String merge(String scope, String x, int n) {
    String t = g.op(scope, "Transpose", List.of(x), intsAttr("perm", 0, 2, 1, 3));
    return g.op(scope, "Reshape", List.of(t, g.int64s(0, 0, (long) n * c.headDim())));
  }

  /** Appends k, v to the cache, outputs present.{i}, and returns the merged context [B, S, H·hd]. */
  private String attention(String s, int layer, String q, String k, String v) {
    String kAll;
    String vAll;
    if (withPast) {
      kAll = g.op(s, "Concat", List.of("past_key_values." + layer + ".key", k), "present." + layer + ".key",
          intAttr("axis", 2));
      vAll = g.op(s, "Concat", List.of("past_key_values." + layer + ".value", v),
          "present." + layer + ".value", intAttr("axis", 2));
    } else {
      kAll = g.op(s, "Identity", List.of(k), "present." + layer + ".key");
      vAll = g.op(s, "Identity", List.of(v), "present." + layer + ".value");
    }
    String keys = repeatKv(s, kAll);
    String values = repeatKv(s, vAll);
    String kT = g.op(s, "Transpose", List.of(keys), intsAttr("perm", 0, 1, 3, 2));
    String scores = g.op(s, "MatMul", List.of(q, kT));
    if (gpt2) {
      scores = g.op(s, "Div", List.of(scores, g.scalar((float) Math.sqrt(c.headDim()))));
    } else {
      scores = g.op(s, "Mul", List.of(scores, g.scalar((float) Math.pow(c.queryPreAttnScalar(), -0.5))));
    }
    if (c.attnLogitSoftcap() != 0) {
      scores = softcap(s, scores, c.attnLogitSoftcap());
    }
    String visible = c.slides(layer) ? allowedInWindow : allowed;
    scores = g.op(s, "Where", List.of(visible, scores, g.scalar(MASKED)));
    String probs = g.op(s, "Softmax", List.of(scores), intAttr("axis", -1));
    return merge(s, g.op(s, "MatMul", List.of(probs, values)), c.numHeads());
  }

  /** [B, KV, T, hd] → [B, H, T, hd], query head h reading kv head h / groupSize. */
  private String repeatKv(String s, String x) {
    int rep = c.groupSize();
    if (rep == 1) {
      return x;
    }
    String u = g.op(s, "Unsqueeze", List.of(x, g.int64s(2)));
    List<String> copies = new ArrayList<>();
    for (int r = 0; r < rep; r++) {
      copies.add(u);
    }
    String tiled = g.op(s, "Concat", copies, intAttr("axis", 2));
    return g.op(s, "Reshape", List.of(tiled, g.int64s(0, c.numHeads(), -1, c.headDim())));
  }

  private String softcap(String s, String x, double cap) {
    String capped = g.op(s, "Tanh", List.of(g.op(s, "Div", List.of(x, g.scalar((float) cap)))));
    return g.op(s, "Mul", List.of(capped, g.scalar((float) cap)));
  }

  private void head(String h) {
    String last;
    String embedding;
    if (gpt2) {
      last = layerNorm("/transformer/ln_f", h, "transformer.ln_f");
      embedding = "transformer.wte.weight";
    } else {
      last = rmsNorm("/model/norm", h, "model.norm.weight");
      embedding = "model.embed_tokens.weight";
    }
    String unembed;
    if (c.tieEmbeddings()) {
      unembed = g.op("/lm_head", "Transpose", List.of(param(embedding)), intsAttr("perm", 1, 0));
    } else {
      unembed = transposed("lm_head.weight");
    }
    if (c.finalLogitSoftcap() == 0) {
      g.op("/lm_head", "MatMul", List.of(last, unembed), "logits");
      return;
    }
    String raw = g.op("/lm_head", "MatMul", List.of(last, unembed));
    String capped =
        g.op("/model", "Tanh", List.of(g.op("/model", "Div",
            List.of(raw, g.scalar((float) c.finalLogitSoftcap())))));
    g.op("/model", "Mul", List.of(capped, g.scalar((float) c.finalLogitSoftcap())), "logits");
  }

  private String layerNorm(String scope, String x, String prefix) {
    return g.op(
        scope,
        "LayerNormalization",
        List.of(x, param(prefix + ".weight"), param(prefix + ".bias")),
        intAttr("axis", -1),
        floatAttr("epsilon", (float) c.normEps()));
  }

  private String rmsNorm(String scope, String x, String weightName) {
    String squares = g.op(scope, "Pow", List.of(x, g.scalar(2f)));
    String variance =
        g.op(scope, "ReduceMean", List.of(squares), intsAttr("axes", -1), intAttr("keepdims", 1));
    String shifted = g.op(scope, "Add", List.of(variance, g.scalar((float) c.normEps())));
    String root = g.op(scope, "Sqrt", List.of(shifted));
    String normed = g.op(scope, "Div", List.of(x, root));
    String gain = param(weightName);
    if (gemma) {
      gain = g.op(scope, "Add", List.of(g.scalar(1f), gain));
    }
    return g.op(scope, "Mul", List.of(normed, gain));
  }

  private String geluTanh(String scope, String x) {
    String cube = g.op(scope, "Pow", List.of(x, g.scalar(3f)));
    String cubic = g.op(scope, "Mul", List.of(cube, g.scalar(0.044715f)));
    String inner = g.op(scope, "Add", List.of(x, cubic));
    String scaled = g.op(scope, "Mul", List.of(inner, g.scalar((float) Math.sqrt(2 / Math.PI))));
    String onePlus = g.op(scope, "Add", List.of(g.op(scope, "Tanh", List.of(scaled)), g.scalar(1f)));
    return g.op(scope, "Mul", List.of(g.op(scope, "Mul", List.of(x, onePlus)), g.scalar(0.5f)));
  }

  /** GPT-2 Conv1D: x · W + b with W stored [in, out] as MatMul expects. */
  private String linearConv(String scope, String x, String prefix) {
    String y = g.op(scope, "MatMul", List.of(x, param(prefix + ".weight")));
    return g.op(scope, "Add", List.of(y, param(prefix + ".bias")));
  }

  /** nn.Linear without bias: x · Wᵀ, Wᵀ stored as its own initializer {@code name.T}. */
  private String linear(String scope, String x, String weightName) {
    return g.op(scope, "MatMul", List.of(x, transposed(weightName)));
  }

  private String param(String name) {
    List<Integer> shape = w.shape(name);
    long[] dims = shape.stream().mapToLong(Integer::longValue).toArray();
    return g.weight(name, dims, w.view(name));
  }

  private String transposed(String name) {
    List<Integer> shape = w.shape(name);
    int rows = shape.get(0);
    int cols = shape.get(1);
    float[] src = w.view(name);
    float[] t = new float[src.length];
    for (int r = 0; r < rows; r++) {
      for (int col = 0; col < cols; col++) {
        t[col * rows + r] = src[r * cols + col];
      }
    }
    return g.weight(name + ".T", new long[] {cols, rows}, t);
  }
}
