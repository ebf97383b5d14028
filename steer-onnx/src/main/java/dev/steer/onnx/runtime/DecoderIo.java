package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The names a decoder graph gives its inputs and outputs, and the form of its KV cache. Hugging Face
 * Optimum and the onnxruntime-genai model builder write a separate key and value per layer
 * ({@code past_key_values.N.key} → {@code present.N.key}, shape [batch, kv_heads, seq, head_dim]); the
 * ONNX Runtime transformers GPT-2 export packs both into one tensor per layer ({@code past_N} → {@code
 * present_N}, shape [2, batch, heads, seq, head_dim]). In both the sequence axis is the second to last.
 * Patterns hold {@code %d} for the layer. Immutable.
 *
 * @param inputIds the token-id input
 * @param attentionMask the attention-mask input (fed only if the graph has it)
 * @param positionIds the position-id input (fed only if the graph has it)
 * @param logits the logits output
 * @param pastKey past key pattern, or the packed past pattern
 * @param pastValue past value pattern, or empty for a packed cache
 * @param presentKey present key pattern, or the packed present pattern
 * @param presentValue present value pattern, or empty for a packed cache
 */
public record DecoderIo(String inputIds, String attentionMask, String positionIds, String logits, String pastKey,
    Optional<String> pastValue, String presentKey, Optional<String> presentValue) {

  /** Optimum's names, also the onnxruntime-genai defaults. */
  public static final DecoderIo OPTIMUM = new DecoderIo("input_ids", "attention_mask", "position_ids", "logits",
      "past_key_values.%d.key", Optional.of("past_key_values.%d.value"), "present.%d.key",
      Optional.of("present.%d.value"));

  /** The ONNX Runtime transformers GPT-2 export's packed cache. */
  public static final DecoderIo PACKED = new DecoderIo("input_ids", "attention_mask", "position_ids", "logits",
      "past_%d", Optional.empty(), "present_%d", Optional.empty());

  /** Validates. */
  public DecoderIo {
    checkNotNull(inputIds, "inputIds");
    checkNotNull(attentionMask, "attentionMask");
    checkNotNull(positionIds, "positionIds");
    checkNotNull(logits, "logits");
    checkNotNull(pastKey, "pastKey");
    checkNotNull(presentKey, "presentKey");
    checkNotNull(pastValue, "pastValue");
    checkNotNull(presentValue, "presentValue");
  }

  /** Whether key and value share one tensor per layer. */
  public boolean packed() {
    return pastValue.isEmpty();
  }

  /** "separate key/value" or "packed [2, batch, heads, seq, head_dim]", for messages and {@code inspect}. */
  public String cacheForm() {
    return packed() ? "packed " + pastKey + " [2, batch, heads, seq, head_dim]"
        : "separate " + pastKey + " / " + pastValue.get() + " [batch, kv_heads, seq, head_dim]";
  }

  /**
   * This naming if {@code graphInputs} uses its cache names (or has no cache at all), else the first of
   * Optimum's and the packed naming that it does use, keeping this one's other names.
   */
  DecoderIo matching(Set<String> graphInputs) {
    if (graphInputs.contains(pastKey.formatted(0)) || !hasAnyCache(graphInputs)) {
      return this;
    }
    for (DecoderIo known : List.of(OPTIMUM, PACKED)) {
      if (graphInputs.contains(known.pastKey.formatted(0))) {
        return new DecoderIo(inputIds, attentionMask, positionIds, logits, known.pastKey, known.pastValue,
            known.presentKey, known.presentValue);
      }
    }
    return this;
  }

  private static boolean hasAnyCache(Set<String> inputs) {
    return inputs.stream().anyMatch(n -> n.startsWith("past"));
  }

  /** Past input names per layer present in {@code graphInputs}, keys then values, layer by layer. */
  List<String> pastNames(Set<String> graphInputs) {
    List<String> out = new ArrayList<>();
    for (int layer = 0; graphInputs.contains(pastKey.formatted(layer)); layer++) {
      int l = layer;
      out.add(pastKey.formatted(l));
      pastValue.ifPresent(p -> out.add(p.formatted(l)));
    }
    return out;
  }

  /** The present output names matching {@link #pastNames} one to one. */
  List<String> presentNames(Set<String> graphInputs) {
    List<String> out = new ArrayList<>();
    for (int layer = 0; graphInputs.contains(pastKey.formatted(layer)); layer++) {
      out.add(presentKey.formatted(layer));
      int l = layer;
      presentValue.ifPresent(p -> out.add(p.formatted(l)));
    }
    return out;
  }
}
