package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

/**
 * A plain-Java, double-precision forward pass of a {@link TestbedWeights testbed model}, written from the
 * GPT-2 definition independently of the SameDiff graph that trains it, so the two check each other.
 *
 * <p>For tokens t_0..t_{n−1}: x_p = wte[t_p] + wpe[p]; per block, x ← x + Attn(LN_1(x)), x ← x +
 * MLP(LN_2(x)); logits_p = LN_f(x_p) · wteᵀ. Here LN(x) = (x − μ) / √(σ² + eps) · w + b over the d
 * features (σ² the biased variance); Attn splits qkv = h·c_attn.weight + c_attn.bias (columns q | k | v,
 * head j owning columns j·hd..(j+1)·hd−1 of each), softmax(q·kᵀ / √hd) over positions ≤ p (in a
 * sliding-window block only positions p − window + 1 … p), concatenates
 * the heads and applies c_proj; MLP(h) = gelu_new(h·c_fc.weight + b)·c_proj.weight + b with gelu_new(x) =
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Matrices are Conv1D-style [in, out]: y = x·W + b.
 *
 * <p>Immutable and thread-safe; each {@link Session} is single-threaded.
 */
public final class ReferenceDecoder {

  private final TestbedModelConfig config;
  private final double[][] wte;
  private final double[][] wpe;
  private final Block[] blocks;
  private final double[] lnFWeight;
  private final double[] lnFBias;

  /** A decoder running {@code weights} (copied to double precision). */
  public ReferenceDecoder(TestbedWeights weights) {
    checkNotNull(weights, "weights");
    this.config = weights.config();
    int d = config.hiddenSize();
    this.wte = matrix(weights, "transformer.wte.weight", config.vocabSize(), d);
    this.wpe = matrix(weights, "transformer.wpe.weight", config.maxPositions(), d);
    this.blocks = new Block[config.numLayers()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = new Block(weights, TestbedModelConfig.blockPrefix(i), config);
    }
    this.lnFWeight = vector(weights, "transformer.ln_f.weight");
    this.lnFBias = vector(weights, "transformer.ln_f.bias");
  }

  /** The configuration of the model. */
  public TestbedModelConfig config() {
    return config;
  }

  /**
   * The logits [position][token] the model gives after each prefix of {@code tokens}.
   *
   * @throws IllegalArgumentException if there are no tokens, more than maxPositions, or an id out of range
   */
  public double[][] logits(int[] tokens) {
    checkNotNull(tokens, "tokens");
    checkArgument(tokens.length > 0, "tokens must not be empty");
    checkArgument(
        tokens.length <= config.maxPositions(),
        "%s tokens exceed the model's %s positions",
        tokens.length,
        config.maxPositions());
    Session session = newSession();
    double[][] out = new double[tokens.length][];
    for (int p = 0; p < tokens.length; p++) {
      out[p] = session.next(tokens[p]);
    }
    return out;
  }

  /** A fresh incremental decoding session (empty key/value cache). */
  public Session newSession() {
    return new Session();
  }

  /**
   * Feeds tokens one at a time, caching each layer's keys and values, so that decoding n tokens costs
   * O(n²·d) rather than O(n³·d). Not thread-safe.
   */
  public final class Session {
    private final double[][][] keys;
    private final double[][][] values;
    private int length;

    private Session() {
      int p = config.maxPositions();
      keys = new double[blocks.length][p][];
      values = new double[blocks.length][p][];
    }

    /** Number of tokens fed so far. */
    public int length() {
      return length;
    }

    /**
     * Feeds {@code token} at the next position and returns the logits for the token after it.
     *
     * @throws IllegalArgumentException if the id is outside [0, vocabSize)
     * @throws IllegalStateException if all maxPositions positions are used
     */
    public double[] next(int token) {
      checkArgument(
          token >= 0 && token < config.vocabSize(),
          "token id %s outside [0, %s)",
          token,
          config.vocabSize());
      checkState(
          length < config.maxPositions(), "all %s positions are used", config.maxPositions());
      int d = config.hiddenSize();
      double[] x = new double[d];
      for (int k = 0; k < d; k++) {
        x[k] = wte[token][k] + wpe[length][k];
      }
      for (int i = 0; i < blocks.length; i++) {
        int window = config.slides(i) ? config.slidingWindow() : length + 1;
        blocks[i].apply(x, keys[i], values[i], length, window, config);
      }
      length++;
      double[] h = layerNorm(x, lnFWeight, lnFBias, config.normEps());
      double[] logits = new double[config.vocabSize()];
      for (int v = 0; v < logits.length; v++) {
        logits[v] = dot(h, wte[v]);
      }
      return logits;
    }
  }

  private static final class Block {
    final double[] ln1Weight;
    final double[] ln1Bias;
    final double[][] attnWeight;
    final double[] attnBias;
    final double[][] projWeight;
    final double[] projBias;
    final double[] ln2Weight;
    final double[] ln2Bias;
    final double[][] fcWeight;
    final double[] fcBias;
    final double[][] mlpProjWeight;
    final double[] mlpProjBias;

    Block(TestbedWeights w, String p, TestbedModelConfig c) {
      int d = c.hiddenSize();
      int inner = c.intermediateSize();
      ln1Weight = vector(w, p + "ln_1.weight");
      ln1Bias = vector(w, p + "ln_1.bias");
      attnWeight = matrix(w, p + "attn.c_attn.weight", d, 3 * d);
      attnBias = vector(w, p + "attn.c_attn.bias");
      projWeight = matrix(w, p + "attn.c_proj.weight", d, d);
      projBias = vector(w, p + "attn.c_proj.bias");
      ln2Weight = vector(w, p + "ln_2.weight");
      ln2Bias = vector(w, p + "ln_2.bias");
      fcWeight = matrix(w, p + "mlp.c_fc.weight", d, inner);
      fcBias = vector(w, p + "mlp.c_fc.bias");
      mlpProjWeight = matrix(w, p + "mlp.c_proj.weight", inner, d);
      mlpProjBias = vector(w, p + "mlp.c_proj.bias");
    }

    /**
     * Updates the residual {@code x} at position {@code pos} in place and caches its key and value; attends
     * to the last {@code window} positions (pos itself included).
     */
    void apply(double[] x, double[][] keys, double[][] values, int pos, int window, TestbedModelConfig c) {
      int d = c.hiddenSize();
      int hd = c.headDim();
      double[] qkv = affine(layerNorm(x, ln1Weight, ln1Bias, c.normEps()), attnWeight, attnBias);
      keys[pos] = java.util.Arrays.copyOfRange(qkv, d, 2 * d);
      values[pos] = java.util.Arrays.copyOfRange(qkv, 2 * d, 3 * d);
      double scale = 1 / Math.sqrt(hd);
      double[] heads = new double[d];
      double[] scores = new double[pos + 1];
      int first = Math.max(0, pos - window + 1);
      for (int head = 0; head < c.numHeads(); head++) {
        int off = head * hd;
        double max = Double.NEGATIVE_INFINITY;
        for (int s = first; s <= pos; s++) {
          double dot = 0;
          for (int k = 0; k < hd; k++) {
            dot += qkv[off + k] * keys[s][off + k];
          }
          scores[s] = dot * scale;
          max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = first; s <= pos; s++) {
          scores[s] = Math.exp(scores[s] - max);
          sum += scores[s];
        }
        for (int s = first; s <= pos; s++) {
          double a = scores[s] / sum;
          for (int k = 0; k < hd; k++) {
            heads[off + k] += a * values[s][off + k];
          }
        }
      }
      addInPlace(x, affine(heads, projWeight, projBias));
      double[] hidden = affine(layerNorm(x, ln2Weight, ln2Bias, c.normEps()), fcWeight, fcBias);
      for (int k = 0; k < hidden.length; k++) {
        hidden[k] = geluNew(hidden[k]);
      }
      addInPlace(x, affine(hidden, mlpProjWeight, mlpProjBias));
    }
  }

  /** gelu_new(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's tanh approximation of GELU. */
  static double geluNew(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  static double[] layerNorm(double[] x, double[] weight, double[] bias, double eps) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + eps);
    double[] y = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      y[k] = (x[k] - mean) * inv * weight[k] + bias[k];
    }
    return y;
  }

  /** x·W + b for W stored [in][out]. */
  private static double[] affine(double[] x, double[][] w, double[] b) {
    double[] y = b.clone();
    for (int i = 0; i < x.length; i++) {
      double xi = x[i];
      double[] row = w[i];
      for (int j = 0; j < y.length; j++) {
        y[j] += xi * row[j];
      }
    }
    return y;
  }

  private static void addInPlace(double[] x, double[] y) {
    for (int k = 0; k < x.length; k++) {
      x[k] += y[k];
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  private static double[] vector(TestbedWeights w, String name) {
    float[] f = w.view(name);
    double[] v = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      v[i] = f[i];
    }
    return v;
  }

  private static double[][] matrix(TestbedWeights w, String name, int rows, int cols) {
    float[] f = w.view(name);
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = f[r * cols + c];
      }
    }
    return m;
  }
}
