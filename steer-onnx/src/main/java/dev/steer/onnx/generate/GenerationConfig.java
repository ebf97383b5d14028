package dev.steer.onnx.generate;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Set;

/**
 * How to decode: how many tokens, greedy or sampled (temperature, top-k, top-p), repetition penalty,
 * when to stop, and the seed that makes sampling reproducible. Immutable; build with {@link #builder()}
 * or start from {@link #greedy(int)} / {@link #sampled(int, double, long)}.
 *
 * <p>Logits are processed in the order Hugging Face {@code generate} uses: repetition penalty,
 * temperature, top-k, top-p, then sampling (or argmax when {@link #temperature()} is 0).
 *
 * @param maxNewTokens the most tokens to generate, ≥ 1
 * @param temperature 0 for greedy decoding, otherwise the softmax temperature (&gt; 0)
 * @param topK keep only the k most likely tokens before sampling; 0 disables
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1 disables
 * @param repetitionPenalty CTRL-style penalty ≥ 1 on tokens already in the sequence (1 disables): a
 *     positive logit is divided by it, a negative one multiplied
 * @param stopTokenIds token ids that end generation (the model's EOS ids are added by the backend);
 *     the stop token is kept in the token list but not in the text
 * @param stopStrings generation ends once the decoded text contains one of these; the text is cut
 *     before it
 * @param seed seed of the sampler's random stream; equal seeds give equal samples
 * @param returnLogits keep every step's next-token logits in the {@link Generation} (costs V floats a step)
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    Set<Integer> stopTokenIds,
    List<String> stopStrings,
    long seed,
    boolean returnLogits) {

  /** Validates and copies. */
  public GenerationConfig {
    checkArgument(maxNewTokens >= 1, "maxNewTokens must be >= 1: %s", maxNewTokens);
    checkArgument(temperature >= 0 && Double.isFinite(temperature),
        "temperature must be finite and >= 0 (0 = greedy): %s", temperature);
    checkArgument(topK >= 0, "topK must be >= 0 (0 = off): %s", topK);
    checkArgument(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 = off): %s", topP);
    checkArgument(repetitionPenalty >= 1 && Double.isFinite(repetitionPenalty),
        "repetitionPenalty must be finite and >= 1 (1 = off): %s", repetitionPenalty);
    stopTokenIds = ImmutableSet.copyOf(checkNotNull(stopTokenIds, "stopTokenIds"));
    stopStrings = ImmutableList.copyOf(checkNotNull(stopStrings, "stopStrings"));
    for (String s : stopStrings) {
      checkArgument(!s.isEmpty(), "stop strings must not be empty");
    }
  }

  /** Greedy decoding of up to {@code maxNewTokens} tokens. */
  public static GenerationConfig greedy(int maxNewTokens) {
    return builder().maxNewTokens(maxNewTokens).build();
  }

  /** Temperature sampling of up to {@code maxNewTokens} tokens with the given seed. */
  public static GenerationConfig sampled(int maxNewTokens, double temperature, long seed) {
    return builder().maxNewTokens(maxNewTokens).temperature(temperature).seed(seed).build();
  }

  /** True when decoding is deterministic argmax. */
  public boolean isGreedy() {
    return temperature == 0;
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder with defaults: 32 tokens, greedy, no filters, no penalty, seed 0. */
  public static Builder builder() {
    return new Builder(new GenerationConfig(32, 0, 0, 1, 1, Set.of(), List.of(), 0, false));
  }

  /** Builds a {@link GenerationConfig}; not thread-safe. */
  public static final class Builder {
    private int maxNewTokens;
    private double temperature;
    private int topK;
    private double topP;
    private double repetitionPenalty;
    private Set<Integer> stopTokenIds;
    private List<String> stopStrings;
    private long seed;
    private boolean returnLogits;

    private Builder(GenerationConfig c) {
      maxNewTokens = c.maxNewTokens;
      temperature = c.temperature;
      topK = c.topK;
      topP = c.topP;
      repetitionPenalty = c.repetitionPenalty;
      stopTokenIds = c.stopTokenIds;
      stopStrings = c.stopStrings;
      seed = c.seed;
      returnLogits = c.returnLogits;
    }

    /** See {@link GenerationConfig#maxNewTokens()}. */
    public Builder maxNewTokens(int v) {
      maxNewTokens = v;
      return this;
    }

    /** See {@link GenerationConfig#temperature()}. */
    public Builder temperature(double v) {
      temperature = v;
      return this;
    }

    /** See {@link GenerationConfig#topK()}. */
    public Builder topK(int v) {
      topK = v;
      return this;
    }

    /** See {@link GenerationConfig#topP()}. */
    public Builder topP(double v) {
      topP = v;
      return this;
    }

    /** See {@link GenerationConfig#repetitionPenalty()}. */
    public Builder repetitionPenalty(double v) {
      repetitionPenalty = v;
      return this;
    }

    /** See {@link GenerationConfig#stopTokenIds()}. */
    public Builder stopTokenIds(Set<Integer> v) {
      stopTokenIds = v;
      return this;
    }

    /** See {@link GenerationConfig#stopStrings()}. */
    public Builder stopStrings(List<String> v) {
      stopStrings = v;
      return this;
    }

    /** See {@link GenerationConfig#seed()}. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** See {@link GenerationConfig#returnLogits()}. */
    public Builder returnLogits(boolean v) {
      returnLogits = v;
      return this;
    }

    /** The validated configuration. */
    public GenerationConfig build() {
      return new GenerationConfig(maxNewTokens, temperature, topK, topP, repetitionPenalty, stopTokenIds,
          stopStrings, seed, returnLogits);
    }
  }
}
