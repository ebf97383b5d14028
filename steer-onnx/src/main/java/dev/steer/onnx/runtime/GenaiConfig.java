package dev.steer.onnx.runtime;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Steer reads from an onnxruntime-genai {@code genai_config.json}: the decoder file, its input and
 * output names ({@code inputs.past_key_names}, or {@code inputs.past_names} for a packed cache, …) and the
 * model's sizes and special ids. The hidden size, when the file omits it (GPT-2 folders do), is heads ×
 * head size; the graph's own residual width is checked against it on open.
 *
 * @param decoderFile the decoder graph's file name, relative to the folder
 * @param io its input and output names
 * @param config the model's configuration
 */
record GenaiConfig(String decoderFile, DecoderIo io, ModelConfig config) {

  /**
   * @throws ModelLoadException naming the file and the missing or malformed key, or the pipeline parts
   *     (separate embedding, vision or speech graphs) that Steer does not run yet
   */
  static GenaiConfig parse(JsonObject json, JsonObject generation, Path file) throws ModelLoadException {
    JsonObject model = object(json, "model", file);
    JsonObject decoder = object(model, "decoder", file);
    List<String> unsupported = new ArrayList<>();
    for (String part : List.of("embedding", "vision", "speech", "encoder")) {
      if (model.has(part)) {
        unsupported.add("model." + part + fileNames(model.get(part)));
      }
    }
    if (decoder.has("pipeline")) {
      unsupported.add("model.decoder.pipeline" + fileNames(decoder.get("pipeline")));
    }
    if (!unsupported.isEmpty()) {
      throw new ModelLoadException(file + ": not supported yet: a model split into several graphs ("
          + String.join("; ", unsupported) + "); Steer runs one decoder graph that maps token ids to logits");
    }
    String filename = ModelConfig.string(decoder, "filename", file);
    String type = ModelConfig.string(model, "type", file);
    int layers = ModelConfig.integer(decoder, file, "num_hidden_layers");
    int headSize = ModelConfig.integer(decoder, file, "head_size");
    int kvHeads = ModelConfig.integer(decoder, file, "num_key_value_heads");
    int heads = ModelConfig.optionalInteger(decoder, kvHeads, "num_attention_heads");
    int hidden = ModelConfig.optionalInteger(decoder, heads * headSize, "hidden_size");
    int vocab = ModelConfig.integer(model, file, "vocab_size");
    int context = ModelConfig.optionalInteger(model, 2048, "context_length");
    int bos = ModelConfig.optionalInteger(model, -1, "bos_token_id");
    int pad = ModelConfig.optionalInteger(model, -1, "pad_token_id");
    Set<Integer> eos = ModelConfig.ids(model.get("eos_token_id"));
    if (generation != null) {
      bos = ModelConfig.optionalInteger(generation, bos, "bos_token_id");
      pad = ModelConfig.optionalInteger(generation, pad, "pad_token_id");
      if (generation.has("eos_token_id")) {
        eos = ModelConfig.ids(generation.get("eos_token_id"));
      }
    }
    ModelConfig config;
    try {
      config = new ModelConfig(type, layers, hidden, heads, kvHeads, headSize, vocab, context, bos, eos, pad);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(file + ": " + e.getMessage(), e);
    }
    return new GenaiConfig(filename, io(decoder), config);
  }

  private static DecoderIo io(JsonObject decoder) {
    JsonObject in = decoder.has("inputs") && decoder.get("inputs").isJsonObject()
        ? decoder.getAsJsonObject("inputs") : new JsonObject();
    JsonObject out = decoder.has("outputs") && decoder.get("outputs").isJsonObject()
        ? decoder.getAsJsonObject("outputs") : new JsonObject();
    DecoderIo d = DecoderIo.OPTIMUM;
    Optional<String> packedPast = name(in, "past_names");
    if (packedPast.isPresent()) {
      return new DecoderIo(name(in, "input_ids").orElse(d.inputIds()),
          name(in, "attention_mask").orElse(d.attentionMask()), name(in, "position_ids").orElse(d.positionIds()),
          name(out, "logits").orElse(d.logits()), packedPast.get(), Optional.empty(),
          name(out, "present_names").orElse(DecoderIo.PACKED.presentKey()), Optional.empty());
    }
    return new DecoderIo(name(in, "input_ids").orElse(d.inputIds()),
        name(in, "attention_mask").orElse(d.attentionMask()), name(in, "position_ids").orElse(d.positionIds()),
        name(out, "logits").orElse(d.logits()), name(in, "past_key_names").orElse(d.pastKey()),
        Optional.of(name(in, "past_value_names").orElse(d.pastValue().orElseThrow())),
        name(out, "present_key_names").orElse(d.presentKey()),
        Optional.of(name(out, "present_value_names").orElse(d.presentValue().orElseThrow())));
  }

  private static Optional<String> name(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e != null && e.isJsonPrimitive() ? Optional.of(e.getAsString()) : Optional.empty();
  }

  private static JsonObject object(JsonObject o, String key, Path file) throws ModelLoadException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new ModelLoadException(file + " has no object '" + key + "'");
    }
    return e.getAsJsonObject();
  }

  /** " (a.onnx, b.onnx)": every "filename" value under {@code e}, for messages. */
  private static String fileNames(JsonElement e) {
    List<String> names = new ArrayList<>();
    collect(e, names);
    return names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
  }

  private static void collect(JsonElement e, List<String> names) {
    if (e.isJsonObject()) {
      e.getAsJsonObject().entrySet().forEach(x -> {
        if (x.getKey().equals("filename") && x.getValue().isJsonPrimitive()) {
          names.add(x.getValue().getAsString());
        } else {
          collect(x.getValue(), names);
        }
      });
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> collect(x, names));
    }
  }
}
