package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderWeights;

/**
 * Hyper-parameters of the testbed language model, a GPT-2-shaped decoder: learned token and absolute
 * position embeddings, {@code numLayers} pre-LayerNorm blocks (causal multi-head self-attention with
 * biases, then an MLP of width {@code intermediateSize} with the tanh GELU "gelu_new"), a final LayerNorm
 * and an LM head tied to the token embedding. Immutable.
 *
 * <p>Maps one to one onto Hugging Face's {@code GPT2Config}: n_embd = hiddenSize, n_layer = numLayers,
 * n_head = numHeads, n_inner = intermediateSize, n_positions = maxPositions, layer_norm_epsilon = normEps.
 *
 * @param vocabSize token ids 0..vocabSize−1
 * @param hiddenSize residual-stream width d (a multiple of numHeads)
 * @param numLayers number of blocks
 * @param numHeads attention heads, each of width d / numHeads
 * @param intermediateSize MLP width
 * @param maxPositions number of learned positions (longest sequence the model reads)
 * @param normEps epsilon added to the variance inside every LayerNorm
 * @param slidingWindow positions a windowed block's attention sees, its own included; 0 = none
 * @param fullAttentionLayers blocks 0 … fullAttentionLayers − 1 attend to the whole context, the rest
 *     through the window ({@code numLayers} when {@code slidingWindow} is 0)
 */
public record TestbedModelConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    double normEps,
    int slidingWindow,
    int fullAttentionLayers) {

  /** Largest accepted size of any one dimension; keeps every tensor within a Java array. */
  public static final int MAX_DIMENSION = 1 << 14;

  /** Validates; messages name the offending value. */
  public TestbedModelConfig {
    checkDimension("vocabSize", vocabSize);
    checkDimension("hiddenSize", hiddenSize);
    checkDimension("numLayers", numLayers);
    checkDimension("numHeads", numHeads);
    checkDimension("intermediateSize", intermediateSize);
    checkDimension("maxPositions", maxPositions);
    checkArgument(
        hiddenSize % numHeads == 0,
        "hiddenSize %s must be a multiple of numHeads %s",
        hiddenSize,
        numHeads);
    checkArgument(normEps > 0 && Double.isFinite(normEps), "normEps must be positive: %s", normEps);
    checkArgument(
        slidingWindow != 0 || fullAttentionLayers == numLayers,
        "without a sliding window fullAttentionLayers must be numLayers %s: %s",
        numLayers,
        fullAttentionLayers);
    // the exporter's checks of the window, so that trainer and exporter accept the same models
    // (special-token ids 0: the tokenizer sets the real ones at export)
    decoderBuilder(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, normEps,
        slidingWindow, fullAttentionLayers).bosTokenId(0).eosTokenId(0).build();
  }

  /** A configuration whose every block attends to the whole context. */
  public TestbedModelConfig(
      int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize, int maxPositions,
      double normEps) {
    this(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, normEps, 0, numLayers);
  }

  /**
   * The testbed model: 191-token vocabulary, d = 64, 4 layers of 4 heads, MLP 256, 80 positions (a story
   * has at most 71 words, so {@code <bos>} + words + {@code <eos>} fits), eps 1e-5, full attention in every
   * block.
   */
  public static TestbedModelConfig standard(int vocabSize) {
    return new TestbedModelConfig(vocabSize, 64, 4, 4, 256, 80, 1e-5);
  }

  /** Whether block {@code layer} attends through the sliding window. */
  public boolean slides(int layer) {
    return slidingWindow > 0 && layer >= fullAttentionLayers;
  }

  /** Width of one attention head, {@code hiddenSize / numHeads}. */
  public int headDim() {
    return hiddenSize / numHeads;
  }

  /**
   * Every parameter tensor's name and shape in Hugging Face GPT-2 checkpoint order and layout (Conv1D
   * matrices are [in, out]; {@code c_attn}'s columns are q | k | v, each split into heads of headDim
   * consecutive columns): {@code transformer.wte.weight} [V, d], {@code transformer.wpe.weight} [P, d],
   * per block i {@code transformer.h.i.ln_1.weight/bias} [d], {@code attn.c_attn.weight} [d, 3d] and
   * bias [3d], {@code attn.c_proj.weight} [d, d] and bias [d], {@code ln_2.weight/bias} [d], {@code
   * mlp.c_fc.weight} [d, I] and bias [I], {@code mlp.c_proj.weight} [I, d] and bias [d]; then {@code
   * transformer.ln_f.weight/bias} [d]. There is no {@code lm_head.weight}: the head is {@code wte}.
   */
  public ImmutableMap<String, ImmutableList<Integer>> tensorShapes() {
    return DecoderWeights.expectedShapes(decoderConfig());
  }

  /**
   * This configuration as the ONNX exporter's GPT-2 {@link DecoderConfig}, which owns the tensor naming
   * and shapes shared by the trainer and the exporter (special-token ids are the exporter's defaults;
   * {@code dev.steer.testbed.TestbedExport} sets the tokenizer's).
   */
  public DecoderConfig decoderConfig() {
    return decoderBuilder().build();
  }

  /** {@link #decoderConfig()} with the given special-token ids. */
  public DecoderConfig decoderConfig(int bosTokenId, int eosTokenId) {
    return decoderBuilder().bosTokenId(bosTokenId).eosTokenId(eosTokenId).build();
  }

  private DecoderConfig.Builder decoderBuilder() {
    return decoderBuilder(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, normEps,
        slidingWindow, fullAttentionLayers);
  }

  private static DecoderConfig.Builder decoderBuilder(int vocabSize, int hiddenSize, int numLayers,
      int numHeads, int intermediateSize, int maxPositions, double normEps, int slidingWindow,
      int fullAttentionLayers) {
    return DecoderConfig.builder(Architecture.GPT2)
        .vocabSize(vocabSize)
        .hiddenSize(hiddenSize)
        .numLayers(numLayers)
        .numHeads(numHeads)
        .intermediateSize(intermediateSize)
        .maxPositions(maxPositions)
        .normEps(normEps)
        .slidingWindow(slidingWindow, fullAttentionLayers);
  }

  /** Total number of parameters. */
  public long parameterCount() {
    long n = 0;
    for (ImmutableList<Integer> shape : tensorShapes().values()) {
      n += shape.stream().mapToLong(Integer::longValue).reduce(1, (a, c) -> a * c);
    }
    return n;
  }

  static String blockPrefix(int layer) {
    return "transformer.h." + layer + ".";
  }

  private static void checkDimension(String name, int value) {
    checkArgument(
        value > 0 && value <= MAX_DIMENSION, "%s must be in [1, %s]: %s", name, MAX_DIMENSION, value);
  }
}
