package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Sets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The float32 parameters of a decoder, one row-major array per tensor, named and shaped as in the Hugging
 * Face PyTorch checkpoints of the architecture (so a trained model's state dict maps one to one):
 *
 * <ul>
 *   <li>GPT-2 ({@code Conv1D} layout [in, out]): {@code transformer.wte.weight} [V, d], {@code
 *       transformer.wpe.weight} [P, d], per block {@code transformer.h.{i}.ln_1.weight/bias} [d], {@code
 *       attn.c_attn.weight} [d, 3d] + bias [3d] (columns q | k | v), {@code attn.c_proj.weight} [d, d] +
 *       bias, {@code ln_2.weight/bias}, {@code mlp.c_fc.weight} [d, I] + bias [I], {@code
 *       mlp.c_proj.weight} [I, d] + bias [d]; then {@code transformer.ln_f.weight/bias}.
 *   <li>Llama ({@code nn.Linear} layout [out, in]): {@code model.embed_tokens.weight} [V, d], per block
 *       {@code model.layers.{i}.input_layernorm.weight} [d], {@code self_attn.q_proj.weight} [H·hd, d],
 *       {@code k_proj.weight} and {@code v_proj.weight} [KV·hd, d], {@code o_proj.weight} [d, H·hd],
 *       {@code post_attention_layernorm.weight} [d], {@code mlp.gate_proj.weight} and {@code
 *       up_proj.weight} [I, d], {@code mlp.down_proj.weight} [d, I]; then {@code model.norm.weight} and,
 *       when untied, {@code lm_head.weight} [V, d].
 *   <li>Gemma-2: Llama's names plus {@code pre_feedforward_layernorm.weight} and {@code
 *       post_feedforward_layernorm.weight} [d] per block; every norm weight w is applied as (1 + w).
 * </ul>
 *
 * <p>Immutable and thread-safe: arrays are copied in and out.
 */
public final class DecoderWeights {

  private final DecoderConfig config;
  private final ImmutableMap<String, ImmutableList<Integer>> shapes;
  private final ImmutableMap<String, float[]> tensors;

  private DecoderWeights(DecoderConfig config, Map<String, float[]> tensors) {
    this.config = config;
    this.shapes = expectedShapes(config);
    this.tensors = ImmutableMap.copyOf(tensors);
  }

  /**
   * The tensor names of {@code config} in checkpoint order, each with its shape (see the class comment).
   */
  public static ImmutableMap<String, ImmutableList<Integer>> expectedShapes(DecoderConfig config) {
    checkNotNull(config, "config");
    int v = config.vocabSize();
    int d = config.hiddenSize();
    int inner = config.intermediateSize();
    ImmutableMap.Builder<String, ImmutableList<Integer>> b = ImmutableMap.builder();
    if (config.architecture() == Architecture.GPT2) {
      b.put("transformer.wte.weight", ImmutableList.of(v, d));
      b.put("transformer.wpe.weight", ImmutableList.of(config.maxPositions(), d));
      for (int i = 0; i < config.numLayers(); i++) {
        String p = "transformer.h." + i + ".";
        b.put(p + "ln_1.weight", ImmutableList.of(d));
        b.put(p + "ln_1.bias", ImmutableList.of(d));
        b.put(p + "attn.c_attn.weight", ImmutableList.of(d, 3 * d));
        b.put(p + "attn.c_attn.bias", ImmutableList.of(3 * d));
        b.put(p + "attn.c_proj.weight", ImmutableList.of(d, d));
        b.put(p + "attn.c_proj.bias", ImmutableList.of(d));
        b.put(p + "ln_2.weight", ImmutableList.of(d));
        b.put(p + "ln_2.bias", ImmutableList.of(d));
        b.put(p + "mlp.c_fc.weight", ImmutableList.of(d, inner));
        b.put(p + "mlp.c_fc.bias", ImmutableList.of(inner));
        b.put(p + "mlp.c_proj.weight", ImmutableList.of(inner, d));
        b.put(p + "mlp.c_proj.bias", ImmutableList.of(d));
      }
      b.put("transformer.ln_f.weight", ImmutableList.of(d));
      b.put("transformer.ln_f.bias", ImmutableList.of(d));
      return b.build();
    }
    int q = config.numHeads() * config.headDim();
    int kv = config.numKvHeads() * config.headDim();
    boolean gemma = config.architecture() == Architecture.GEMMA2;
    b.put("model.embed_tokens.weight", ImmutableList.of(v, d));
    for (int i = 0; i < config.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      b.put(p + "input_layernorm.weight", ImmutableList.of(d));
      b.put(p + "self_attn.q_proj.weight", ImmutableList.of(q, d));
      b.put(p + "self_attn.k_proj.weight", ImmutableList.of(kv, d));
      b.put(p + "self_attn.v_proj.weight", ImmutableList.of(kv, d));
      b.put(p + "self_attn.o_proj.weight", ImmutableList.of(d, q));
      b.put(p + "post_attention_layernorm.weight", ImmutableList.of(d));
      if (gemma) {
        b.put(p + "pre_feedforward_layernorm.weight", ImmutableList.of(d));
        b.put(p + "post_feedforward_layernorm.weight", ImmutableList.of(d));
      }
      b.put(p + "mlp.gate_proj.weight", ImmutableList.of(inner, d));
      b.put(p + "mlp.up_proj.weight", ImmutableList.of(inner, d));
      b.put(p + "mlp.down_proj.weight", ImmutableList.of(d, inner));
    }
    b.put("model.norm.weight", ImmutableList.of(d));
    if (!config.tieEmbeddings()) {
      b.put("lm_head.weight", ImmutableList.of(v, d));
    }
    return b.build();
  }

  /**
   * Wraps (copies) the given tensors after checking that the names are exactly those of {@link
   * #expectedShapes}, that each array has the product of its shape's dimensions as length, and that every
   * value is finite.
   *
   * @throws IllegalArgumentException naming the missing, unexpected, mis-sized or non-finite tensor
   */
  public static DecoderWeights of(DecoderConfig config, Map<String, float[]> tensors) {
    checkNotNull(config, "config");
    checkNotNull(tensors, "tensors");
    ImmutableMap<String, ImmutableList<Integer>> shapes = expectedShapes(config);
    Set<String> missing = Sets.difference(shapes.keySet(), tensors.keySet());
    checkArgument(missing.isEmpty(), "missing tensors for %s: %s", config.architecture(), missing);
    Set<String> extra = Sets.difference(tensors.keySet(), shapes.keySet());
    checkArgument(extra.isEmpty(), "unexpected tensors for %s: %s", config.architecture(), extra);
    ImmutableMap.Builder<String, float[]> copies = ImmutableMap.builder();
    for (Map.Entry<String, ImmutableList<Integer>> e : shapes.entrySet()) {
      String name = e.getKey();
      float[] data = checkNotNull(tensors.get(name), "tensor %s is null", name);
      long size = elementCount(e.getValue());
      checkArgument(
          data.length == size,
          "tensor %s has %s values but shape %s needs %s",
          name,
          data.length,
          e.getValue(),
          size);
      for (int i = 0; i < data.length; i++) {
        checkArgument(Float.isFinite(data[i]), "tensor %s has a non-finite value at %s", name, i);
      }
      copies.put(name, data.clone());
    }
    return new DecoderWeights(config, copies.build());
  }

  /**
   * Random weights for tests, deterministic in {@code seed}, scaled so activations stay O(1): every
   * matrix (embeddings included) ~ N(0, 1/fan_in) with fan_in the input width (d for embeddings), norm
   * gains 1 + N(0, 0.1²) (Gemma-2 stores w ~ N(0, 0.1²), applied as 1 + w), biases N(0, 0.1²), so that a
   * missing bias, gain or scale visibly changes the logits.
   */
  public static DecoderWeights random(DecoderConfig config, long seed) {
    checkNotNull(config, "config");
    Random random = new Random(seed);
    boolean gemma = config.architecture() == Architecture.GEMMA2;
    ImmutableMap.Builder<String, float[]> b = ImmutableMap.builder();
    for (Map.Entry<String, ImmutableList<Integer>> e : expectedShapes(config).entrySet()) {
      String name = e.getKey();
      List<Integer> shape = e.getValue();
      float[] data = new float[(int) elementCount(shape)];
      double mean;
      double std;
      if (shape.size() == 2) {
        mean = 0;
        boolean convLayout = config.architecture() == Architecture.GPT2 && !name.contains(".wte.")
            && !name.contains(".wpe.");
        boolean embedding = name.contains("wte") || name.contains("wpe") || name.contains("embed")
            || name.startsWith("lm_head");
        int fanIn = embedding ? config.hiddenSize() : convLayout ? shape.get(0) : shape.get(1);
        std = 1 / Math.sqrt(fanIn);
      } else if (name.endsWith(".bias")) {
        mean = 0;
        std = 0.1;
      } else {
        mean = gemma ? 0 : 1;
        std = 0.1;
      }
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (mean + std * random.nextGaussian());
      }
      b.put(name, data);
    }
    return new DecoderWeights(config, b.build());
  }

  /** The configuration these weights belong to. */
  public DecoderConfig config() {
    return config;
  }

  /** The tensor names in checkpoint order. */
  public ImmutableList<String> names() {
    return shapes.keySet().asList();
  }

  /**
   * The shape of tensor {@code name}.
   *
   * @throws IllegalArgumentException if there is no such tensor
   */
  public ImmutableList<Integer> shape(String name) {
    checkKnown(name);
    return shapes.get(name);
  }

  /**
   * A copy of tensor {@code name}, row-major.
   *
   * @throws IllegalArgumentException if there is no such tensor
   */
  public float[] get(String name) {
    checkKnown(name);
    return tensors.get(name).clone();
  }

  /** The stored array itself, for writers inside this package that promise not to modify it. */
  float[] view(String name) {
    checkKnown(name);
    return tensors.get(name);
  }

  private void checkKnown(String name) {
    checkArgument(
        tensors.containsKey(name),
        "no tensor named '%s' in %s weights; names look like %s",
        name,
        config.architecture(),
        names().get(0));
  }

  private static long elementCount(List<Integer> shape) {
    long n = 1;
    for (int dim : shape) {
      n *= dim;
    }
    checkArgument(n <= Integer.MAX_VALUE - 8, "tensor of shape %s exceeds a Java array", shape);
    return n;
  }
}
