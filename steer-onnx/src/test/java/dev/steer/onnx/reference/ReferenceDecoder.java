package dev.steer.onnx.reference;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Intervention;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderWeights;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * A plain-Java, double-precision forward pass of the decoders that {@code DecoderExporter} writes, written
 * straight from the Hugging Face modelling code and independent of the ONNX graph, so tests can check
 * ONNX Runtime's logits, captures and steered outputs against it.
 *
 * <p>One sequence at a time. Position t attends to positions s ≤ t whose {@code attended[s]} is true; a
 * position with no such s attends uniformly to all (as the exported graph does for padding rows).
 * Activations are recorded at every {@link HookPoint} after any {@link Steering} at that point has been
 * applied; a steered row is rounded to float, edited with {@link Intervention#applyInPlace} and widened
 * back. Immutable and thread-safe.
 */
public final class ReferenceDecoder {

  /**
   * Edit the rows at {@code point} whose position satisfies {@code positions} with {@code intervention}.
   *
   * @param point where in the residual stream
   * @param positions which sequence positions (0-based) to edit
   * @param intervention the edit
   */
  public record Steering(HookPoint point, IntPredicate positions, Intervention intervention) {
    /** Validates the components. */
    public Steering {
      checkNotNull(point, "point");
      checkNotNull(positions, "positions");
      checkNotNull(intervention, "intervention");
    }

    /** Steers every position at {@code point}. */
    public static Steering everywhere(HookPoint point, Intervention intervention) {
      return new Steering(point, p -> true, intervention);
    }
  }

  /**
   * Output of one forward pass.
   *
   * @param logits [position][vocab]
   * @param activations [position][hidden] for every hook point of every layer
   */
  public record Result(double[][] logits, Map<HookPoint, double[][]> activations) {
    /** The activations recorded at {@code point}, [position][hidden]. */
    public double[][] activation(HookPoint point) {
      double[][] a = activations.get(point);
      checkArgument(a != null, "no activations recorded at %s", point);
      return a;
    }
  }

  private final DecoderConfig c;
  private final Map<String, double[]> w = new HashMap<>();
  private final boolean gpt2;
  private final boolean gemma;

  /** A reference model for these weights. */
  public ReferenceDecoder(DecoderWeights weights) {
    this.c = weights.config();
    for (String name : weights.names()) {
      float[] f = weights.get(name);
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      w.put(name, d);
    }
    gpt2 = c.architecture() == Architecture.GPT2;
    gemma = c.architecture() == Architecture.GEMMA2;
  }

  /** Unsteered forward pass over positions 0..n−1, all attended. */
  public Result forward(int[] tokenIds) {
    return forward(tokenIds, List.of());
  }

  /** Steered forward pass over positions 0..n−1, all attended. */
  public Result forward(int[] tokenIds, List<Steering> steering) {
    int[] positions = new int[tokenIds.length];
    boolean[] attended = new boolean[tokenIds.length];
    for (int t = 0; t < tokenIds.length; t++) {
      positions[t] = t;
      attended[t] = true;
    }
    return forward(tokenIds, positions, attended, steering);
  }

  /**
   * Forward pass with explicit position ids and key mask.
   *
   * @param tokenIds the tokens, length n ≥ 1
   * @param positionIds the position id of each token (learned or rotary positions)
   * @param attended whether each position may be attended to (false for padding)
   * @param steering edits to apply, in list order where several share a hook point
   */
  public Result forward(
      int[] tokenIds, int[] positionIds, boolean[] attended, List<Steering> steering) {
    int n = tokenIds.length;
    checkArgument(n >= 1, "need at least one token");
    checkArgument(positionIds.length == n && attended.length == n, "lengths differ");
    int d = c.hiddenSize();
    Map<HookPoint, double[][]> acts = new TreeMap<>();
    double[][] h = new double[n][d];
    for (int t = 0; t < n; t++) {
      int id = tokenIds[t];
      checkArgument(id >= 0 && id < c.vocabSize(), "token id %s outside the vocabulary", id);
      for (int i = 0; i < d; i++) {
        if (gpt2) {
          h[t][i] =
              w.get("transformer.wte.weight")[id * d + i]
                  + w.get("transformer.wpe.weight")[positionIds[t] * d + i];
        } else {
          h[t][i] = w.get("model.embed_tokens.weight")[id * d + i];
          if (gemma) {
            h[t][i] *= (float) Math.sqrt(d);
          }
        }
      }
    }
    for (int layer = 0; layer < c.numLayers(); layer++) {
      h = hook(HookPoint.residPre(layer), h, steering, acts);
      double[][] attn = attention(layer, h, positionIds, attended);
      attn = hook(HookPoint.attnOut(layer), attn, steering, acts);
      double[][] mid = add(h, attn);
      mid = hook(HookPoint.residMid(layer), mid, steering, acts);
      double[][] mlp = mlp(layer, mid);
      mlp = hook(HookPoint.mlpOut(layer), mlp, steering, acts);
      h = add(mid, mlp);
      h = hook(HookPoint.residPost(layer), h, steering, acts);
    }
    double[][] logits = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] last =
          gpt2
              ? layerNorm(h[t], "transformer.ln_f")
              : rmsNorm(h[t], "model.norm.weight");
      String unembed =
          c.tieEmbeddings()
              ? (gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight")
              : "lm_head.weight";
      logits[t] = linear(last, unembed, c.vocabSize());
      if (c.finalLogitSoftcap() != 0) {
        for (int v = 0; v < logits[t].length; v++) {
          logits[t][v] = softcap(logits[t][v], c.finalLogitSoftcap());
        }
      }
    }
    return new Result(logits, ImmutableMap.copyOf(acts));
  }

  private double[][] hook(
      HookPoint point, double[][] x, List<Steering> steering, Map<HookPoint, double[][]> acts) {
    double[][] out = x;
    for (Steering s : steering) {
      if (!s.point().equals(point)) {
        continue;
      }
      if (out == x) {
        out = copy(x);
      }
      for (int t = 0; t < out.length; t++) {
        if (s.positions().test(t)) {
          float[] row = new float[out[t].length];
          for (int i = 0; i < row.length; i++) {
            row[i] = (float) out[t][i];
          }
          s.intervention().applyInPlace(row, 0);
          for (int i = 0; i < row.length; i++) {
            out[t][i] = row[i];
          }
        }
      }
    }
    acts.put(point, copy(out));
    return out;
  }

  private double[][] attention(int layer, double[][] h, int[] positionIds, boolean[] attended) {
    int n = h.length;
    int heads = c.numHeads();
    int kvHeads = c.numKvHeads();
    int hd = c.headDim();
    int d = c.hiddenSize();
    double[][] q = new double[n][];
    double[][] k = new double[n][];
    double[][] v = new double[n][];
    String p = gpt2 ? "transformer.h." + layer + "." : "model.layers." + layer + ".";
    for (int t = 0; t < n; t++) {
      if (gpt2) {
        double[] qkv = conv1d(layerNorm(h[t], p + "ln_1"), p + "attn.c_attn", 3 * d);
        q[t] = slice(qkv, 0, d);
        k[t] = slice(qkv, d, 2 * d);
        v[t] = slice(qkv, 2 * d, 3 * d);
      } else {
        double[] x = rmsNorm(h[t], p + "input_layernorm.weight");
        q[t] = rope(linear(x, p + "self_attn.q_proj.weight", heads * hd), heads, positionIds[t]);
        k[t] = rope(linear(x, p + "self_attn.k_proj.weight", kvHeads * hd), kvHeads, positionIds[t]);
        v[t] = linear(x, p + "self_attn.v_proj.weight", kvHeads * hd);
      }
    }
    double scale = 1 / Math.sqrt(c.queryPreAttnScalar());
    double[][] context = new double[n][heads * hd];
    for (int head = 0; head < heads; head++) {
      int kvHead = head / c.groupSize();
      for (int t = 0; t < n; t++) {
        double[] scores = new double[n];
        boolean any = false;
        // a sliding-window layer sees keys t − window + 1 … t
        int first = c.slides(layer) ? t - c.slidingWindow() + 1 : 0;
        for (int s = 0; s < n; s++) {
          any |= s <= t && s >= first && attended[s];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) {
          boolean visible = any ? s <= t && s >= first && attended[s] : true;
          if (!visible) {
            scores[s] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double dot = 0;
          for (int i = 0; i < hd; i++) {
            dot += q[t][head * hd + i] * k[s][kvHead * hd + i];
          }
          double score = any ? dot * scale : 0;
          if (c.attnLogitSoftcap() != 0 && any) {
            score = softcap(score, c.attnLogitSoftcap());
          }
          scores[s] = score;
          max = Math.max(max, score);
        }
        double sum = 0;
        for (int s = 0; s < n; s++) {
          scores[s] = Math.exp(scores[s] - max);
          sum += scores[s];
        }
        for (int s = 0; s < n; s++) {
          double prob = scores[s] / sum;
          for (int i = 0; i < hd; i++) {
            context[t][head * hd + i] += prob * v[s][kvHead * hd + i];
          }
        }
      }
    }
    double[][] out = new double[n][];
    for (int t = 0; t < n; t++) {
      if (gpt2) {
        out[t] = conv1d(context[t], p + "attn.c_proj", d);
      } else {
        out[t] = linear(context[t], p + "self_attn.o_proj.weight", d);
        if (gemma) {
          out[t] = rmsNorm(out[t], p + "post_attention_layernorm.weight");
        }
      }
    }
    return out;
  }

  private double[][] mlp(int layer, double[][] h) {
    int n = h.length;
    int d = c.hiddenSize();
    int inner = c.intermediateSize();
    double[][] out = new double[n][];
    for (int t = 0; t < n; t++) {
      if (gpt2) {
        String p = "transformer.h." + layer + ".";
        double[] f = conv1d(layerNorm(h[t], p + "ln_2"), p + "mlp.c_fc", inner);
        for (int i = 0; i < inner; i++) {
          f[i] = geluTanh(f[i]);
        }
        out[t] = conv1d(f, p + "mlp.c_proj", d);
        continue;
      }
      String p = "model.layers." + layer + ".";
      double[] x =
          rmsNorm(
              h[t],
              p + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"));
      double[] gate = linear(x, p + "mlp.gate_proj.weight", inner);
      double[] up = linear(x, p + "mlp.up_proj.weight", inner);
      double[] act = new double[inner];
      for (int i = 0; i < inner; i++) {
        double a = gemma ? geluTanh(gate[i]) : gate[i] / (1 + Math.exp(-gate[i]));
        act[i] = a * up[i];
      }
      out[t] = linear(act, p + "mlp.down_proj.weight", d);
      if (gemma) {
        out[t] = rmsNorm(out[t], p + "post_feedforward_layernorm.weight");
      }
    }
    return out;
  }

  /** x' = x·cos + rotate_half(x)·sin per head, rotate_half(x) = [−x₂, x₁], θ_j = pos·base^(−2j/hd). */
  private double[] rope(double[] x, int heads, int position) {
    int hd = c.headDim();
    int half = hd / 2;
    double[] out = new double[x.length];
    for (int head = 0; head < heads; head++) {
      int o = head * hd;
      for (int j = 0; j < half; j++) {
        double angle = position * Math.pow(c.ropeTheta(), -2.0 * j / hd);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double x1 = x[o + j];
        double x2 = x[o + j + half];
        out[o + j] = x1 * cos - x2 * sin;
        out[o + j + half] = x2 * cos + x1 * sin;
      }
    }
    return out;
  }

  private double[] layerNorm(double[] x, String prefix) {
    double mean = 0;
    for (double xi : x) {
      mean += xi;
    }
    mean /= x.length;
    double var = 0;
    for (double xi : x) {
      var += (xi - mean) * (xi - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + c.normEps());
    double[] gain = w.get(prefix + ".weight");
    double[] bias = w.get(prefix + ".bias");
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (x[i] - mean) * inv * gain[i] + bias[i];
    }
    return out;
  }

  private double[] rmsNorm(double[] x, String weightName) {
    double ms = 0;
    for (double xi : x) {
      ms += xi * xi;
    }
    ms /= x.length;
    double inv = 1 / Math.sqrt(ms + c.normEps());
    double[] gain = w.get(weightName);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * inv * (gemma ? 1 + gain[i] : gain[i]);
    }
    return out;
  }

  /** nn.Linear without bias: y = W·x with W stored [out, in]. */
  private double[] linear(double[] x, String weightName, int outSize) {
    double[] m = w.get(weightName);
    int in = x.length;
    checkArgument(m.length == in * outSize, "shape of %s", weightName);
    double[] y = new double[outSize];
    for (int o = 0; o < outSize; o++) {
      double s = 0;
      for (int i = 0; i < in; i++) {
        s += m[o * in + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  /** GPT-2 Conv1D: y = x·W + b with W stored [in, out]. */
  private double[] conv1d(double[] x, String prefix, int outSize) {
    double[] m = w.get(prefix + ".weight");
    double[] b = w.get(prefix + ".bias");
    double[] y = b.clone();
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < outSize; o++) {
        y[o] += x[i] * m[i * outSize + o];
      }
    }
    return y;
  }

  private static double geluTanh(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  private static double softcap(double x, double cap) {
    return cap * Math.tanh(x / cap);
  }

  private static double[] slice(double[] x, int from, int to) {
    double[] out = new double[to - from];
    System.arraycopy(x, from, out, 0, out.length);
    return out;
  }

  private static double[][] add(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int t = 0; t < a.length; t++) {
      out[t] = new double[a[t].length];
      for (int i = 0; i < a[t].length; i++) {
        out[t][i] = a[t][i] + b[t][i];
      }
    }
    return out;
  }

  private static double[][] copy(double[][] x) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      out[t] = x[t].clone();
    }
    return out;
  }
}
