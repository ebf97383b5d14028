package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The testbed model as a SameDiff graph over fixed-length windows, for training by automatic
 * differentiation. Computes exactly what {@link ReferenceDecoder} computes (see its class comment), in
 * float32, for a batch of B windows of {@code contextLength} tokens at once.
 *
 * <p>Placeholders: {@value #TOKENS} int32 [B, T] (token ids; padding after a story's end is harmless
 * because attention is causal) and {@value #TARGETS} float32 [B·T, V], row b·T + p the one-hot of the
 * token to predict after position p of window b, or all zeros where nothing is predicted. Outputs:
 * {@value #LOGITS} [B·T, V]; {@value #LOSS} = −Σ targets ⊙ log_softmax(logits) / Σ targets, the mean
 * cross-entropy in nats over the predicted positions; and {@value #TRAINING_LOSS}, the loss the gradients
 * are taken of: {@value #LOSS} plus any early-exit losses ({@link #create(TestbedWeights, int, Map)}).
 *
 * <p>Variables are named as the {@link TestbedModelConfig#tensorShapes() checkpoint tensors} and hold the
 * same row-major values. Not thread-safe (SameDiff sessions are not).
 */
final class TestbedModelDefinition {

  static final String TOKENS = "tokens";
  static final String TARGETS = "targets";
  static final String LOGITS = "logits";
  static final String LOSS = "loss";
  static final String TRAINING_LOSS = "training_loss";

  /** Added to attention scores of future positions; exp of it underflows to exactly 0 in float32. */
  private static final float MASKED = -1e9f;

  private final TestbedModelConfig config;
  private final int contextLength;
  private final ImmutableSortedMap<Integer, Double> earlyExits;
  private final SameDiff sd;
  private final ImmutableList<String> parameterNames;

  private TestbedModelDefinition(
      TestbedWeights weights, int contextLength, ImmutableSortedMap<Integer, Double> earlyExits) {
    this.config = weights.config();
    this.contextLength = contextLength;
    this.earlyExits = earlyExits;
    this.sd = SameDiff.create();
    this.parameterNames = weights.names();
    build(weights);
  }

  /**
   * A graph for windows of {@code contextLength} tokens whose variables start as {@code weights}.
   *
   * @throws IllegalArgumentException if contextLength is not in [1, maxPositions]
   */
  static TestbedModelDefinition create(TestbedWeights weights, int contextLength) {
    return create(weights, contextLength, Map.of());
  }

  /**
   * As {@link #create(TestbedWeights, int)}, with an early-exit loss (LayerSkip, deep supervision) at
   * the output of each block in {@code earlyExits}: {@value #TRAINING_LOSS} = {@value #LOSS} + Σ_l λ_l ·
   * CE_l, where CE_l is the cross-entropy of the logits read from block l's output through the model's own
   * final norm and tied unembedding, and λ_l = {@code earlyExits.get(l)}. The exits add no parameters, so
   * the trained weights are an ordinary testbed model.
   *
   * @throws IllegalArgumentException if a block is not below the last one or a weight is not positive
   */
  static TestbedModelDefinition create(
      TestbedWeights weights, int contextLength, Map<Integer, Double> earlyExits) {
    checkNotNull(weights, "weights");
    checkArgument(
        contextLength > 0 && contextLength <= weights.config().maxPositions(),
        "contextLength must be in [1, %s]: %s",
        weights.config().maxPositions(),
        contextLength);
    checkEarlyExits(earlyExits, weights.config().numLayers());
    return new TestbedModelDefinition(weights, contextLength, ImmutableSortedMap.copyOf(earlyExits));
  }

  /** Checks that every exit follows a block before the last of {@code layers} with a valid weight. */
  static void checkEarlyExits(Map<Integer, Double> earlyExits, int layers) {
    checkExitWeights(earlyExits);
    earlyExits.keySet().forEach(block -> checkArgument(block >= 0 && block < layers - 1,
        "an early exit must follow a block in [0, %s) (the last block is the model's own exit): %s",
        layers - 1, block));
  }

  /** Checks that every early-exit weight is positive and finite. */
  static void checkExitWeights(Map<Integer, Double> earlyExits) {
    earlyExits.forEach((block, weight) -> checkArgument(weight > 0 && Double.isFinite(weight),
        "early-exit weight of block %s must be positive and finite: %s", block, weight));
  }

  TestbedModelConfig config() {
    return config;
  }

  int contextLength() {
    return contextLength;
  }

  ImmutableList<String> parameterNames() {
    return parameterNames;
  }

  /** The live array of variable {@code name}; updating it in place changes the model. */
  INDArray parameter(String name) {
    checkArgument(parameterNames.contains(name), "no parameter %s", name);
    return sd.getVariable(name).getArr();
  }

  /** The logits [B·T, V] for tokens [B, T]. */
  INDArray logits(INDArray tokens) {
    return sd.output(Map.of(TOKENS, tokens), LOGITS).get(LOGITS);
  }

  /** The mean cross-entropy of a batch (see the class comment). */
  double loss(INDArray tokens, INDArray targets) {
    return sd.output(Map.of(TOKENS, tokens, TARGETS, targets), LOSS).get(LOSS).getDouble(0);
  }

  /**
   * The loss ({@value #LOSS}) and the gradient of {@value #TRAINING_LOSS} (the loss itself when there are
   * no early exits) with respect to every parameter, by name.
   */
  OutAndGrad lossAndGradients(INDArray tokens, INDArray targets) {
    return sd.calculateGradientsAndOutputs(
        Map.of(TOKENS, tokens, TARGETS, targets), List.of(LOSS), parameterNames);
  }

  /** {@value #TRAINING_LOSS} of a batch. */
  double trainingLoss(INDArray tokens, INDArray targets) {
    return sd.output(Map.of(TOKENS, tokens, TARGETS, targets), TRAINING_LOSS).get(TRAINING_LOSS)
        .getDouble(0);
  }

  /** A snapshot of the current parameters. */
  TestbedWeights weights() {
    Map<String, float[]> tensors = new LinkedHashMap<>();
    for (String name : parameterNames) {
      tensors.put(name, parameter(name).dup('c').data().asFloat());
    }
    return TestbedWeights.of(config, tensors);
  }

  private void build(TestbedWeights weights) {
    int t = contextLength;
    int d = config.hiddenSize();
    int heads = config.numHeads();
    int hd = config.headDim();
    Map<String, SDVariable> p = new LinkedHashMap<>();
    for (String name : parameterNames) {
      ImmutableList<Integer> shape = weights.shape(name);
      long[] dims = shape.stream().mapToLong(Integer::longValue).toArray();
      p.put(name, sd.var(name, Nd4j.create(weights.view(name), dims, 'c')));
    }

    SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, t);
    SDVariable targets = sd.placeHolder(TARGETS, DataType.FLOAT, -1, config.vocabSize());

    float[] mask = new float[t * t];
    float[] windowMask = new float[t * t];
    float[] firstPositions = new float[t * config.maxPositions()];
    for (int i = 0; i < t; i++) {
      firstPositions[i * config.maxPositions() + i] = 1;
      for (int j = 0; j < t; j++) {
        mask[i * t + j] = j > i ? MASKED : 0;
        windowMask[i * t + j] = j > i || j <= i - config.slidingWindow() ? MASKED : 0;
      }
    }
    SDVariable causalMask = sd.constant("causal_mask", Nd4j.create(mask, new long[] {t, t}, 'c'));
    SDVariable slidingMask =
        config.slidingWindow() == 0
            ? causalMask
            : sd.constant("sliding_window_mask", Nd4j.create(windowMask, new long[] {t, t}, 'c'));
    SDVariable positionSelector =
        sd.constant(
            "position_selector",
            Nd4j.create(firstPositions, new long[] {t, config.maxPositions()}, 'c'));

    // Embedding lookups are one-hot products: SameDiff M2.1's gather gradient builds a control-flow loop
    // that is slow and fails for a second gather in the same graph.
    SDVariable wte = p.get("transformer.wte.weight");
    SDVariable oneHot =
        sd.reshape(sd.oneHot(tokens, config.vocabSize(), -1, 1.0, 0.0, DataType.FLOAT), -1, config.vocabSize());
    SDVariable positionEmbeddings = positionSelector.mmul(p.get("transformer.wpe.weight"));
    // Residual stream kept as [B·T, d]; reshaped to [B, T, d] only where positions matter.
    SDVariable x =
        sd.reshape(sd.reshape(oneHot.mmul(wte), -1, t, d).add(positionEmbeddings), -1, d);

    double scale = 1 / Math.sqrt(hd);
    List<SDVariable> exitLosses = new ArrayList<>();
    for (int i = 0; i < config.numLayers(); i++) {
      String pre = TestbedModelConfig.blockPrefix(i);
      SDVariable h = layerNorm(x, p.get(pre + "ln_1.weight"), p.get(pre + "ln_1.bias"));
      SDVariable qkv = h.mmul(p.get(pre + "attn.c_attn.weight")).add(p.get(pre + "attn.c_attn.bias"));
      SDVariable[] qkvHeads =
          sd.unstack(sd.permute(sd.reshape(qkv, -1, t, 3, heads, hd), 2, 0, 3, 1, 4), 0, 3);
      SDVariable scores =
          sd.mmul(qkvHeads[0], qkvHeads[1], false, true, false)
              .mul(scale)
              .add(config.slides(i) ? slidingMask : causalMask);
      SDVariable attention = sd.mmul(sd.nn().softmax(scores, 3), qkvHeads[2]);
      SDVariable merged = sd.reshape(sd.permute(attention, 0, 2, 1, 3), -1, d);
      x = x.add(merged.mmul(p.get(pre + "attn.c_proj.weight")).add(p.get(pre + "attn.c_proj.bias")));

      h = layerNorm(x, p.get(pre + "ln_2.weight"), p.get(pre + "ln_2.bias"));
      SDVariable hidden =
          geluNew(h.mmul(p.get(pre + "mlp.c_fc.weight")).add(p.get(pre + "mlp.c_fc.bias")));
      x = x.add(hidden.mmul(p.get(pre + "mlp.c_proj.weight")).add(p.get(pre + "mlp.c_proj.bias")));
      if (earlyExits.containsKey(i)) {
        exitLosses.add(crossEntropy(null, readOut(x, p, null), targets).mul(earlyExits.get(i)));
      }
    }
    SDVariable loss = crossEntropy(LOSS, readOut(x, p, LOGITS), targets);
    SDVariable trainingLoss = loss;
    for (SDVariable exit : exitLosses) {
      trainingLoss = trainingLoss.add(exit);
    }
    sd.setLossVariables(sd.identity(TRAINING_LOSS, trainingLoss));
  }

  /** Logits of residual rows {@code x}: the final norm, then the tied unembedding. */
  private SDVariable readOut(SDVariable x, Map<String, SDVariable> p, String name) {
    SDVariable normed = layerNorm(x, p.get("transformer.ln_f.weight"), p.get("transformer.ln_f.bias"));
    SDVariable wte = p.get("transformer.wte.weight");
    return name == null
        ? sd.mmul(normed, wte, false, true, false)
        : sd.mmul(name, normed, wte, false, true, false);
  }

  /** −Σ targets ⊙ log_softmax(logits) / Σ targets. */
  private SDVariable crossEntropy(String name, SDVariable logits, SDVariable targets) {
    SDVariable logProbabilities = logSoftmax(logits, 1);
    SDVariable negated = sd.math().neg(targets.mul(logProbabilities).sum());
    return name == null ? negated.div(targets.sum()) : negated.div(name, targets.sum());
  }

  private SDVariable layerNorm(SDVariable x, SDVariable weight, SDVariable bias) {
    SDVariable centred = x.sub(sd.mean(x, true, 1));
    SDVariable variance = sd.mean(centred.mul(centred), true, 1);
    return centred.mul(sd.math().rsqrt(variance.add(config.normEps()))).mul(weight).add(bias);
  }

  // SameDiff 1.0.0-M2.1 cannot differentiate its log_softmax op (cloning the graph for the gradient fails
  // with "Integer.values()"), so it is built from primitives.
  private SDVariable logSoftmax(SDVariable x, int dimension) {
    SDVariable shifted = x.sub(sd.max(x, true, dimension));
    return shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, dimension)));
  }

  private SDVariable geluNew(SDVariable x) {
    SDVariable inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(0.5).mul(sd.math().tanh(inner).add(1.0));
  }
}
