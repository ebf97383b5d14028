package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of a decoder model folder, as one of two exporters writes it:
 *
 * <ul>
 *   <li><b>onnxruntime-genai</b> ({@code genai_config.json}): the decoder file, its input and output names
 *       (including a packed {@code past_%d} cache), sizes and special ids all come from that file; no
 *       {@code config.json} is needed.
 *   <li><b>Hugging Face Optimum / transformers.js</b> ({@code config.json}): one of {@code model.onnx}
 *       (a single decoder that takes past key/values), {@code decoder_model_merged.onnx} (the {@code
 *       If}/{@code use_cache_branch} form), or {@code decoder_model.onnx} + {@code
 *       decoder_with_past_model.onnx}, at the root or under {@code onnx/}, each possibly in several
 *       {@link ModelVariant precision variants} ({@code model_fp16.onnx}, {@code model_q4.onnx}, …).
 * </ul>
 *
 * Weights may sit beside the graph as external data; they are read from the graph's folder. {@code
 * tokenizer.json} is optional: without it the model runs from token ids. Immutable.
 *
 * @param root the directory
 * @param format which exporter's layout it follows
 * @param graph the decoder graph: the single or merged decoder, or for a split export the no-past one
 * @param withPastGraph the separate with-past decoder, if the export is split
 * @param config the parsed configuration
 * @param variant the precision variant chosen (empty for an onnxruntime-genai folder, which names its file)
 * @param variants every variant the folder holds (empty for an onnxruntime-genai folder)
 * @param io the decoder's input and output names as the folder declares them
 * @param tokenizer {@code tokenizer.json}, if the folder has one
 */
public record ModelDirectory(Path root, Format format, Path graph, Optional<Path> withPastGraph,
    ModelConfig config, Optional<ModelVariant> variant, List<ModelVariant> variants, DecoderIo io,
    Optional<Path> tokenizer) {

  /** Which exporter's folder layout a model directory follows. */
  public enum Format {
    /** Hugging Face Optimum and transformers.js: {@code config.json} beside the graphs. */
    OPTIMUM,
    /** onnxruntime-genai's model builder: {@code genai_config.json}. */
    GENAI
  }

  /** The layout a decoder export uses. */
  public enum Layout {
    /** One graph that always takes past key/values (possibly empty). */
    SINGLE,
    /** One graph with an {@code If} on {@code use_cache_branch}. */
    MERGED,
    /** A no-past graph and a with-past graph. */
    SPLIT
  }

  /** Validates and copies. */
  public ModelDirectory {
    checkNotNull(root, "root");
    checkNotNull(format, "format");
    checkNotNull(graph, "graph");
    checkNotNull(withPastGraph, "withPastGraph");
    checkNotNull(config, "config");
    checkNotNull(variant, "variant");
    variants = ImmutableList.copyOf(variants);
    checkNotNull(io, "io");
    checkNotNull(tokenizer, "tokenizer");
  }

  /** Locates the files of a model directory, choosing the full-precision variant where there is one. */
  public static ModelDirectory open(Path root) throws ModelLoadException {
    return open(root, Optional.empty());
  }

  /**
   * Locates the files of a model directory.
   *
   * @param variant the precision variant to open; empty: {@link ModelVariant#FP32} if the folder has it,
   *     else the first variant it has in {@link ModelVariant} order
   * @throws ModelLoadException naming the directory, what was found and what is missing or unreadable
   */
  public static ModelDirectory open(Path root, Optional<ModelVariant> variant) throws ModelLoadException {
    checkNotNull(root, "root");
    checkNotNull(variant, "variant");
    if (Files.isRegularFile(root) && root.getFileName().toString().endsWith(".onnx")) {
      throw new ModelLoadException(root + " is a graph file; give the model folder that holds it (with its"
          + " config.json or genai_config.json): " + root.toAbsolutePath().getParent());
    }
    if (!Files.isDirectory(root)) {
      throw new ModelLoadException("model directory not found: " + root);
    }
    Optional<Path> tokenizer = Optional.of(root.resolve("tokenizer.json")).filter(Files::isRegularFile);
    Path genai = root.resolve("genai_config.json");
    if (Files.isRegularFile(genai)) {
      if (variant.isPresent()) {
        throw new ModelLoadException(root + " is an onnxruntime-genai folder: its genai_config.json names one"
            + " decoder file, so there is no variant to choose (asked for " + variant.get().label() + ")");
      }
      return openGenai(root, genai, tokenizer);
    }
    Path configFile = root.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new ModelLoadException(root + " is not a model folder Steer can open: found " + listing(root)
          + "; expected genai_config.json (onnxruntime-genai) or config.json (Hugging Face Optimum or"
          + " transformers.js) beside the ONNX graph");
    }
    JsonObject config = readJson(configFile);
    ModelConfig parsed = ModelConfig.fromJson(config, generationConfig(root), configFile);
    List<Candidate> found = optimumGraphs(root);
    if (found.isEmpty()) {
      throw new ModelLoadException(root + " has no decoder graph: found " + listing(root) + "; expected"
          + " model.onnx, decoder_model_merged.onnx, or decoder_model.onnx with decoder_with_past_model.onnx,"
          + " at the root or under onnx/, optionally with a variant suffix (" + suffixes() + ")");
    }
    List<ModelVariant> variants = found.stream().map(Candidate::variant).distinct().sorted().toList();
    ModelVariant chosen = variant.orElse(variants.get(0));
    Candidate c = found.stream().filter(x -> x.variant == chosen).findFirst().orElseThrow(
        () -> new ModelLoadException(root + " has no " + chosen.label() + " variant; it has "
            + variants.stream().map(ModelVariant::label).toList()));
    return new ModelDirectory(root, Format.OPTIMUM, c.graph, c.withPast, parsed, Optional.of(chosen), variants,
        DecoderIo.OPTIMUM, tokenizer);
  }

  private record Candidate(ModelVariant variant, Path graph, Optional<Path> withPast) {}

  /** Every Optimum decoder graph in the folder, the root before {@code onnx/}, single before merged before split. */
  private static List<Candidate> optimumGraphs(Path root) {
    List<Candidate> out = new ArrayList<>();
    for (ModelVariant v : ModelVariant.values()) {
      for (Path dir : new Path[] {root, root.resolve("onnx")}) {
        Candidate c = candidate(dir, v);
        if (c != null) {
          out.add(c);
          break;
        }
      }
    }
    return out;
  }

  private static Candidate candidate(Path dir, ModelVariant v) {
    for (String stem : new String[] {"model", "decoder_model_merged"}) {
      Path p = dir.resolve(v.fileName(stem));
      if (Files.isRegularFile(p)) {
        return new Candidate(v, p, Optional.empty());
      }
    }
    Path noPast = dir.resolve(v.fileName("decoder_model"));
    Path withPast = dir.resolve(v.fileName("decoder_with_past_model"));
    if (Files.isRegularFile(noPast) && Files.isRegularFile(withPast)) {
      return new Candidate(v, noPast, Optional.of(withPast));
    }
    return null;
  }

  private static ModelDirectory openGenai(Path root, Path file, Optional<Path> tokenizer)
      throws ModelLoadException {
    JsonObject json = readJson(file);
    GenaiConfig genai = GenaiConfig.parse(json, generationConfig(root), file);
    Path graph = root.resolve(genai.decoderFile()).normalize();
    if (!graph.startsWith(root.normalize())) {
      throw new ModelLoadException(file + " names the decoder file " + genai.decoderFile()
          + ", which lies outside " + root);
    }
    if (!Files.isRegularFile(graph)) {
      throw new ModelLoadException(file + " names the decoder file " + genai.decoderFile() + ", which is not in "
          + root + " (found " + listing(root) + ")");
    }
    return new ModelDirectory(root, Format.GENAI, graph, Optional.empty(), genai.config(), Optional.empty(),
        List.of(), genai.io(), tokenizer);
  }

  private static JsonObject generationConfig(Path root) throws ModelLoadException {
    Path genFile = root.resolve("generation_config.json");
    return Files.isRegularFile(genFile) ? readJson(genFile) : null;
  }

  /** Which of the three export layouts this directory uses. */
  public Layout layout() {
    if (withPastGraph.isPresent()) {
      return Layout.SPLIT;
    }
    return graph.getFileName().toString().startsWith("decoder_model_merged") ? Layout.MERGED : Layout.SINGLE;
  }

  /** The file names in {@code root} and {@code root/onnx}, for messages. */
  private static String listing(Path root) {
    List<String> names = new ArrayList<>();
    for (Path dir : new Path[] {root, root.resolve("onnx")}) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> s = Files.list(dir)) {
        String prefix = dir.equals(root) ? "" : "onnx/";
        s.map(p -> prefix + p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().limit(40)
            .forEach(names::add);
      } catch (IOException e) {
        names.add("(" + dir + " unreadable: " + e.getMessage() + ")");
      }
    }
    return names.isEmpty() ? "nothing" : names.toString();
  }

  private static String suffixes() {
    return String.join(", ", Stream.of(ModelVariant.values()).skip(1).map(ModelVariant::suffix).toList());
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
