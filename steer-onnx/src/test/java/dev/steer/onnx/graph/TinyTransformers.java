package dev.steer.onnx.graph;

import static dev.steer.onnx.graph.TestGraphBuilder.floatAttr;
import static dev.steer.onnx.graph.TestGraphBuilder.intAttr;
import static dev.steer.onnx.graph.TestGraphBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.steer.hook.HookPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny transformer graphs with random weights, built node by node, each with the tensor names its hook points
 * must map to. Node and tensor names are opaque counters, so mapping them proves it uses structure only.
 */
final class TinyTransformers {
  static final int VOCAB = 11;
  static final int HIDDEN = 8;
  static final int FFN = 16;
  static final int OPSET = 17;
  private static final int INT64 = TensorProto.DataType.INT64_VALUE;
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

  /** How the pre-norm graphs normalise. */
  enum Norm {
    LAYER_NORM_OP,
    DECOMPOSED_LAYER_NORM,
    DECOMPOSED_RMS_NORM,
    SIMPLIFIED_LAYER_NORM
  }

  /** A model, the graph output name, and the expected tensor of every hook point. */
  record TinyModel(ModelProto model, String output, Map<HookPoint, String> expected, List<String> notes) {}

  private TinyTransformers() {}

  /** input_ids → embeddings → blocks of h + attn(norm(h)), h + mlp(norm(h)) → norm → logits. */
  static TinyModel preNorm(int layers, Norm norm, long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids");
    Map<HookPoint, String> expected = new LinkedHashMap<>();
    for (int l = 0; l < layers; l++) {
      String attn = attention(b, norm(b, h, norm, null));
      // odd layers put the stream second, to show operand order does not matter
      String mid = l % 2 == 0 ? b.op("Add", h, attn) : b.op("Add", attn, h);
      String mlp = mlp(b, norm(b, mid, norm, null));
      String post = l % 2 == 0 ? b.op("Add", mid, mlp) : b.op("Add", mlp, mid);
      put(expected, l, h, attn, mid, mlp, post);
      h = post;
    }
    String logits = b.opOut("", "MatMul", List.of(norm(b, h, norm, null), b.weight(0.5f, HIDDEN, VOCAB)), List.of("logits")).get(0);
    b.output(logits, FLOAT, "batch", "sequence", VOCAB);
    return new TinyModel(b.build(OPSET, false), logits, expected, List.of());
  }

  /** BERT-like: h = LN(embeddings); blocks of h = LN(h + attn(h)), h = LN(h + mlp(h)); output the last h. */
  static TinyModel postNorm(int layers, long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = norm(b, b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids"), Norm.DECOMPOSED_LAYER_NORM, null);
    Map<HookPoint, String> expected = new LinkedHashMap<>();
    for (int l = 0; l < layers; l++) {
      String attn = attention(b, h);
      String mid = norm(b, b.op("Add", attn, h), Norm.DECOMPOSED_LAYER_NORM, null);
      String mlp = mlp(b, mid);
      String out = l == layers - 1 ? "last_hidden_state" : null;
      String post = norm(b, b.op("Add", mlp, mid), Norm.DECOMPOSED_LAYER_NORM, out);
      put(expected, l, h, attn, mid, mlp, post);
      h = post;
    }
    b.output(h, FLOAT, "batch", "sequence", HIDDEN);
    return new TinyModel(b.build(OPSET, false), h, expected, List.of());
  }

  /**
   * onnxruntime-genai model-builder form: the sums are output 3 of SkipSimplifiedLayerNormalization nodes and
   * the final one names no output 3. With {@code fused = false} the same weights are wired as explicit Add +
   * SimplifiedLayerNormalization, a twin that must compute the same function.
   */
  static TinyModel genAi(int layers, boolean fused, long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids");
    String normed = norm(b, h, Norm.SIMPLIFIED_LAYER_NORM, null);
    Map<HookPoint, String> expected = new LinkedHashMap<>();
    String logits = null;
    for (int l = 0; l < layers; l++) {
      String attn = attention(b, normed);
      String[] midAndNorm = skipNorm(b, h, attn, fused, l % 2 == 1, true);
      String mlp = mlp(b, midAndNorm[1]);
      boolean last = l == layers - 1;
      String[] postAndNorm = skipNorm(b, midAndNorm[0], mlp, fused, false, !last || !fused);
      put(expected, l, h, attn, midAndNorm[0], mlp, postAndNorm[0]);
      h = postAndNorm[0];
      normed = postAndNorm[1];
    }
    logits = b.opOut("", "MatMul", List.of(normed, b.weight(0.5f, HIDDEN, VOCAB)), List.of("logits")).get(0);
    b.output(logits, FLOAT, "batch", "sequence", VOCAB);
    return new TinyModel(b.build(OPSET, fused), logits, expected, List.of());
  }

  /**
   * onnxruntime's optimised BERT form: post-norm blocks whose add and norm are one SkipLayerNormalization that
   * also adds the branch's output bias (input 4). With {@code fused = false}: the same weights as explicit
   * bias Add, residual Add and LayerNormalization.
   */
  static TinyModel bertFused(int layers, boolean fused, long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = norm(b, b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids"), Norm.LAYER_NORM_OP, null);
    Map<HookPoint, String> expected = new LinkedHashMap<>();
    for (int l = 0; l < layers; l++) {
      String[] attn = biasedSkipLayerNorm(b, h, attention(b, h), fused);
      String[] mlp = biasedSkipLayerNorm(b, attn[1], mlp(b, attn[1]), fused);
      put(expected, l, h, attn[0], attn[1], mlp[0], mlp[1]);
      h = mlp[1];
    }
    b.output(h, FLOAT, "batch", "sequence", HIDDEN);
    return new TinyModel(b.build(OPSET, fused), h, expected, List.of());
  }

  /** Returns {branch + bias (null when fused), LN(stream + branch + bias)}. */
  private static String[] biasedSkipLayerNorm(TestGraphBuilder b, String stream, String branch, boolean fused) {
    String bias = b.weight(0.1f, HIDDEN);
    String gamma = b.weight(0.5f, HIDDEN);
    String beta = b.weight(0.1f, HIDDEN);
    if (fused) {
      String out = b.fresh();
      b.opOut(
          "com.microsoft",
          "SkipLayerNormalization",
          List.of(branch, stream, gamma, beta, bias),
          List.of(out),
          floatAttr("epsilon", 1e-5f));
      return new String[] {null, out};
    }
    String biased = b.op("Add", branch, bias);
    String sum = b.op("Add", biased, stream);
    String out =
        b.op("LayerNormalization", List.of(sum, gamma, beta), intAttr("axis", -1), floatAttr("epsilon", 1e-5f));
    return new String[] {biased, out};
  }

  /** Returns {sum, normalised}; sum is null when the fused node is asked not to name output 3. */
  private static String[] skipNorm(
      TestGraphBuilder b, String stream, String branch, boolean fused, boolean streamSecond, boolean nameSum) {
    String gamma = b.weight(0.5f, HIDDEN);
    if (!fused) {
      String sum = streamSecond ? b.op("Add", branch, stream) : b.op("Add", stream, branch);
      String n =
          b.op("SimplifiedLayerNormalization", List.of(sum, gamma), intAttr("axis", -1), floatAttr("epsilon", 1e-5f));
      return new String[] {sum, n};
    }
    String n = b.fresh();
    String sum = nameSum ? b.fresh() : null;
    List<String> outs = nameSum ? List.of(n, "", "", sum) : List.of(n);
    List<String> ins = streamSecond ? List.of(branch, stream, gamma) : List.of(stream, branch, gamma);
    b.opOut("com.microsoft", "SkipSimplifiedLayerNormalization", ins, outs, floatAttr("epsilon", 1e-5f));
    return new String[] {sum, n};
  }

  /** Three pre-norm blocks where block 1 multiplies its MLP output into the stream instead of adding it. */
  static TinyModel brokenChain(long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids");
    List<String> notes = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      String attn = attention(b, norm(b, h, Norm.LAYER_NORM_OP, null));
      String mid = b.op("Add", h, attn);
      if (l == 1) {
        notes.add(mid); // where the chain ends
      }
      String mlp = mlp(b, norm(b, mid, Norm.LAYER_NORM_OP, null));
      h = l == 1 ? b.op("Mul", mid, mlp) : b.op("Add", mid, mlp);
    }
    b.output(h, FLOAT, "batch", "sequence", HIDDEN);
    return new TinyModel(b.build(OPSET, false), h, Map.of(), notes);
  }

  /** A two-layer MLP with no residual connection at all. */
  static TinyModel noResidual(long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("x", FLOAT, "batch", "sequence", HIDDEN);
    String y = mlp(b, b.op("Relu", b.op("MatMul", "x", b.weight(1f, HIDDEN, HIDDEN))));
    b.output(y, FLOAT, "batch", "sequence", HIDDEN);
    return new TinyModel(b.build(OPSET, false), y, Map.of(), List.of());
  }

  /** One pre-norm block whose first add carries the MLP and whose second carries attention. */
  static TinyModel mlpBeforeAttention(long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids");
    String mid = b.op("Add", h, mlp(b, norm(b, h, Norm.LAYER_NORM_OP, null)));
    String post = b.op("Add", mid, attention(b, norm(b, mid, Norm.LAYER_NORM_OP, null)));
    b.output(post, FLOAT, "batch", "sequence", HIDDEN);
    return new TinyModel(b.build(OPSET, false), post, Map.of(), List.of());
  }

  /** One pre-norm block whose MLP output is scaled by a softmax router weight, as in mixture-of-experts. */
  static TinyModel routedMlp(long seed) {
    TestGraphBuilder b = new TestGraphBuilder(seed);
    b.input("input_ids", INT64, "batch", "sequence");
    String h = b.op("Gather", b.weight(1f, VOCAB, HIDDEN), "input_ids");
    String attn = attention(b, norm(b, h, Norm.LAYER_NORM_OP, null));
    String mid = b.op("Add", h, attn);
    String x = norm(b, mid, Norm.LAYER_NORM_OP, null);
    String router = b.op("Softmax", List.of(b.op("MatMul", x, b.weight(0.5f, HIDDEN, 2))), intAttr("axis", -1));
    String weight = b.op("ReduceMax", List.of(router), ints("axes", -1));
    String mlp = b.op("Mul", mlp(b, x), weight);
    String post = b.op("Add", mid, mlp);
    b.output(post, FLOAT, "batch", "sequence", HIDDEN);
    Map<HookPoint, String> expected = new LinkedHashMap<>();
    put(expected, 0, h, attn, mid, mlp, post);
    return new TinyModel(b.build(OPSET, false), post, expected, List.of());
  }

  private static void put(Map<HookPoint, String> m, int l, String pre, String attn, String mid, String mlp, String post) {
    m.put(HookPoint.residPre(l), pre);
    m.put(HookPoint.attnOut(l), attn);
    m.put(HookPoint.residMid(l), mid);
    m.put(HookPoint.mlpOut(l), mlp);
    m.put(HookPoint.residPost(l), post);
  }

  /** Single-head attention without a mask: softmax(q·kᵀ/√d)·v·Wo. */
  private static String attention(TestGraphBuilder b, String x) {
    String q = b.op("MatMul", x, b.weight(0.5f, HIDDEN, HIDDEN));
    String k = b.op("MatMul", x, b.weight(0.5f, HIDDEN, HIDDEN));
    String v = b.op("MatMul", x, b.weight(0.5f, HIDDEN, HIDDEN));
    String kt = b.op("Transpose", List.of(k), ints("perm", 0, 2, 1));
    String scores = b.op("Mul", b.op("MatMul", q, kt), b.scalar((float) (1 / Math.sqrt(HIDDEN))));
    String probs = b.op("Softmax", List.of(scores), intAttr("axis", -1));
    return b.op("MatMul", b.op("MatMul", probs, v), b.weight(0.5f, HIDDEN, HIDDEN));
  }

  /** relu(x·W1 + b1)·W2. */
  private static String mlp(TestGraphBuilder b, String x) {
    String up = b.op("Add", b.op("MatMul", x, b.weight(0.5f, HIDDEN, FFN)), b.weight(0.1f, FFN));
    return b.op("MatMul", b.op("Relu", up), b.weight(0.5f, FFN, HIDDEN));
  }

  private static String norm(TestGraphBuilder b, String x, Norm norm, String output) {
    String gamma = b.weight(0.5f, HIDDEN);
    String out = output != null ? output : b.fresh();
    switch (norm) {
      case LAYER_NORM_OP:
        return b.opOut("", "LayerNormalization", List.of(x, gamma, b.weight(0.1f, HIDDEN)), List.of(out), intAttr("axis", -1)).get(0);
      case SIMPLIFIED_LAYER_NORM:
        return b.opOut("", "SimplifiedLayerNormalization", List.of(x, gamma), List.of(out), intAttr("axis", -1), floatAttr("epsilon", 1e-5f)).get(0);
      case DECOMPOSED_LAYER_NORM:
        {
          String mean = b.op("ReduceMean", List.of(x), ints("axes", -1));
          String centred = b.op("Sub", x, mean);
          String var = b.op("ReduceMean", List.of(b.op("Pow", centred, b.scalar(2f))), ints("axes", -1));
          String std = b.op("Sqrt", b.op("Add", var, b.scalar(1e-5f)));
          String scaled = b.op("Mul", b.op("Div", centred, std), gamma);
          return b.opOut("", "Add", List.of(scaled, b.weight(0.1f, HIDDEN)), List.of(out)).get(0);
        }
      case DECOMPOSED_RMS_NORM:
        {
          String ms = b.op("ReduceMean", List.of(b.op("Pow", x, b.scalar(2f))), ints("axes", -1));
          String rms = b.op("Sqrt", b.op("Add", ms, b.scalar(1e-6f)));
          return b.opOut("", "Mul", List.of(b.op("Div", x, rms), gamma), List.of(out)).get(0);
        }
      default:
        throw new AssertionError(norm);
    }
  }
}
