package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Set;

/**
 * What Steer needs to know from a Hugging Face {@code config.json} (and {@code generation_config.json}):
 * the architecture family, sizes, context length and special token ids. Key names differ between
 * families (GPT-2's {@code n_embd}/{@code n_layer}/{@code n_head} versus Llama's {@code hidden_size}/
 * {@code num_hidden_layers}/{@code num_attention_heads}); both spellings are read. Immutable.
 *
 * @param modelType the Hugging Face {@code model_type}, e.g. {@code gpt2}, {@code llama}, {@code gemma2}
 * @param layers number of transformer blocks
 * @param hiddenSize residual width
 * @param heads attention heads
 * @param kvHeads key/value heads (equal to {@code heads} without grouped-query attention)
 * @param headDim size of one head
 * @param vocabSize rows of the embedding matrix
 * @param maxPositions the longest sequence the model supports (prompt + generated)
 * @param bosTokenId the BOS id, or −1 if the model has none
 * @param eosTokenIds ids that end generation (possibly empty)
 * @param padTokenId the padding id, or −1 (then a left-padded batch pads with EOS or 0: padding is masked anyway)
 */
public record ModelConfig(
    String modelType,
    int layers,
    int hiddenSize,
    int heads,
    int kvHeads,
    int headDim,
    int vocabSize,
    int maxPositions,
    int bosTokenId,
    Set<Integer> eosTokenIds,
    int padTokenId) {

  /** Validates and copies. */
  public ModelConfig {
    checkArgument(layers > 0, "layers must be positive: %s", layers);
    checkArgument(hiddenSize > 0, "hiddenSize must be positive: %s", hiddenSize);
    checkArgument(heads > 0 && kvHeads > 0 && heads % kvHeads == 0,
        "heads (%s) must be a positive multiple of kvHeads (%s)", heads, kvHeads);
    checkArgument(headDim > 0, "headDim must be positive: %s", headDim);
    checkArgument(vocabSize > 0, "vocabSize must be positive: %s", vocabSize);
    checkArgument(maxPositions > 0, "maxPositions must be positive: %s", maxPositions);
    eosTokenIds = ImmutableSet.copyOf(eosTokenIds);
  }

  /**
   * Reads {@code config.json}, merged with {@code generation_config.json} when given (its EOS/BOS ids win,
   * as in Hugging Face {@code generate}).
   *
   * @throws ModelLoadException naming the file and the missing or malformed key
   */
  static ModelConfig fromJson(JsonObject config, JsonObject generation, Path file) throws ModelLoadException {
    String type = string(config, "model_type", file);
    int layers = integer(config, file, "num_hidden_layers", "n_layer");
    int hidden = integer(config, file, "hidden_size", "n_embd");
    int heads = integer(config, file, "num_attention_heads", "n_head");
    int kvHeads = optionalInteger(config, heads, "num_key_value_heads");
    // heads ≤ 0 is rejected below with the file's name; do not divide by it here
    int headDim = optionalInteger(config, heads > 0 ? hidden / heads : 0, "head_dim");
    int vocab = integer(config, file, "vocab_size");
    int maxPos = optionalInteger(config, 2048, "max_position_embeddings", "n_positions", "n_ctx");
    int bos = optionalInteger(config, -1, "bos_token_id");
    int pad = optionalInteger(config, -1, "pad_token_id");
    Set<Integer> eos = ids(config.get("eos_token_id"));
    if (generation != null) {
      bos = optionalInteger(generation, bos, "bos_token_id");
      pad = optionalInteger(generation, pad, "pad_token_id");
      if (generation.has("eos_token_id")) {
        eos = ids(generation.get("eos_token_id"));
      }
    }
    try {
      return new ModelConfig(type, layers, hidden, heads, kvHeads, headDim, vocab, maxPos, bos, eos, pad);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
  }

  static String string(JsonObject o, String key, Path file) throws ModelLoadException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive()) {
      throw new ModelLoadException(file + " has no string '" + key + "'");
    }
    return e.getAsString();
  }

  static int integer(JsonObject o, Path file, String... keys) throws ModelLoadException {
    for (String k : keys) {
      JsonElement e = o.get(k);
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsInt();
      }
    }
    throw new ModelLoadException(file + " has no integer " + String.join(" or ", keys));
  }

  static int optionalInteger(JsonObject o, int fallback, String... keys) {
    for (String k : keys) {
      JsonElement e = o.get(k);
      if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsInt();
      }
    }
    return fallback;
  }

  static Set<Integer> ids(JsonElement e) {
    ImmutableSet.Builder<Integer> b = ImmutableSet.builder();
    if (e == null || e.isJsonNull()) {
      return b.build();
    }
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> b.add(x.getAsInt()));
    } else {
      b.add(e.getAsInt());
    }
    return b.build();
  }
}
