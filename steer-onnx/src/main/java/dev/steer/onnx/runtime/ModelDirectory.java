package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files of a model exported in Hugging Face Optimum layout: {@code config.json},
 * {@code tokenizer.json}, optional {@code generation_config.json}, and one of
 * <ul>
 *   <li>{@code model.onnx} (a single decoder that takes {@code past_key_values}),
 *   <li>{@code decoder_model_merged.onnx} (the {@code If}/{@code use_cache_branch} form), or
 *   <li>{@code decoder_model.onnx} + {@code decoder_with_past_model.onnx},
 * </ul>
 * looked up in that order (also under {@code onnx/}, as some repositories store them). Weights may sit
 * beside the graph as external data ({@code *.onnx_data}); they are read from this directory.
 *
 * @param root the directory
 * @param graph the decoder graph: {@code model.onnx}, {@code decoder_model_merged.onnx}, or for a split
 *     export the no-past {@code decoder_model.onnx}
 * @param withPastGraph the separate with-past decoder, if the export is split
 * @param config the parsed configuration
 */
public record ModelDirectory(Path root, Path graph, Optional<Path> withPastGraph, ModelConfig config) {

  /** The layout a decoder export uses. */
  public enum Layout {
    /** One graph that always takes past key/values (possibly empty). */
    SINGLE,
    /** One graph with an {@code If} on {@code use_cache_branch}. */
    MERGED,
    /** A no-past graph and a with-past graph. */
    SPLIT
  }

  /**
   * Locates the files of a model directory.
   *
   * @throws ModelLoadException naming the directory and what is missing or unreadable
   */
  public static ModelDirectory open(Path root) throws ModelLoadException {
    checkNotNull(root, "root");
    if (!Files.isDirectory(root)) {
      throw new ModelLoadException("model directory not found: " + root);
    }
    Path configFile = root.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new ModelLoadException(root + " has no config.json (expected a Hugging Face Optimum export)");
    }
    JsonObject config = readJson(configFile);
    Path genFile = root.resolve("generation_config.json");
    JsonObject generation = Files.isRegularFile(genFile) ? readJson(genFile) : null;
    ModelConfig parsed = ModelConfig.fromJson(config, generation, configFile);
    for (Path dir : new Path[] {root, root.resolve("onnx")}) {
      for (String name : new String[] {"model.onnx", "decoder_model_merged.onnx"}) {
        if (Files.isRegularFile(dir.resolve(name))) {
          return new ModelDirectory(root, dir.resolve(name), Optional.empty(), parsed);
        }
      }
      Path noPast = dir.resolve("decoder_model.onnx");
      Path withPast = dir.resolve("decoder_with_past_model.onnx");
      if (Files.isRegularFile(noPast) && Files.isRegularFile(withPast)) {
        return new ModelDirectory(root, noPast, Optional.of(withPast), parsed);
      }
    }
    throw new ModelLoadException(root + " has no decoder graph: expected model.onnx,"
        + " decoder_model_merged.onnx, or decoder_model.onnx with decoder_with_past_model.onnx");
  }

  /** Which of the three export layouts this directory uses. */
  public Layout layout() {
    if (withPastGraph.isPresent()) {
      return Layout.SPLIT;
    }
    return graph.getFileName().toString().equals("decoder_model_merged.onnx") ? Layout.MERGED : Layout.SINGLE;
  }

  /** The tokenizer file. */
  public Path tokenizer() {
    return root.resolve("tokenizer.json");
  }

  static JsonObject readJson(Path file) throws ModelLoadException {
    try (Reader r = Files.newBufferedReader(file)) {
      JsonElement e = JsonParser.parseReader(r);
      if (!e.isJsonObject()) {
        throw new ModelLoadException(file + " is not a JSON object");
      }
      return e.getAsJsonObject();
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
