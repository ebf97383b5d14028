package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a decoder-only model as a Hugging Face Optimum-style "decoder with past" ONNX export, using only
 * standard ONNX operators (opset {@value #OPSET}, IR version {@value #IR_VERSION}).
 *
 * <p>Inputs: {@code input_ids} int64 [batch, seq]; {@code attention_mask} int64 [batch, past + seq] (1 =
 * real token, 0 = padding; left padding is supported); {@code position_ids} int64 [batch, seq]; for each
 * layer i {@code past_key_values.i.key} and {@code .value} float32 [batch, kv_heads, past, head_dim]
 * (past may be 0). Outputs: {@code logits} float32 [batch, seq, vocab] and {@code present.i.key} / {@code
 * .value} float32 [batch, kv_heads, past + seq, head_dim] (keys after the rotary embedding). Query i
 * (absolute index past + i) attends to key j iff j ≤ past + i and attention_mask[b, j] = 1; a query with no
 * visible key (a padding row) attends uniformly, and its logits are meaningless.
 *
 * <p>{@link Layout} picks how the decoder is laid out in files, as Optimum does: one {@code model.onnx}, the
 * merged {@code decoder_model_merged.onnx}, or the split {@code decoder_model.onnx} + {@code
 * decoder_with_past_model.onnx}; all compute the same logits and presents.
 *
 * <p>Node names follow the module paths of the Hugging Face model ({@code /model/layers.3/self_attn/...},
 * {@code /transformer/h.3/attn/...}) for readability only; nothing should rely on them. Stateless and
 * thread-safe.
 */
public final class DecoderExporter {

  /** The ONNX operator set the graph uses. */
  public static final int OPSET = 17;

  /** The ONNX IR version written (the one that introduced opset 17). */
  public static final int IR_VERSION = 8;

  /** File name of the graph. */
  public static final String MODEL_FILE = "model.onnx";

  /** File name of the weights of a {@link Layout#SINGLE} export in {@link WeightStorage#EXTERNAL_DATA} mode. */
  public static final String DATA_FILE = "model.onnx_data";

  /** Tensors smaller than this stay inside model.onnx even in external-data mode (as onnx does). */
  private static final int EXTERNAL_THRESHOLD_BYTES = 1024;

  /** Tensors at least this large start at a page boundary of the data file, for memory mapping. */
  private static final long ALIGN_THRESHOLD_BYTES = 1 << 20;

  private static final long PAGE = 4096;

  /** Protobuf cannot serialise a message of 2 GiB or more; leave room for the graph itself. */
  private static final long INLINE_LIMIT_BYTES = (1L << 31) - (64L << 20);

  /** File name of the merged decoder ({@link Layout#MERGED}). */
  public static final String MERGED_FILE = "decoder_model_merged.onnx";

  /** File name of the no-past decoder of a {@link Layout#SPLIT} export. */
  public static final String NO_PAST_FILE = "decoder_model.onnx";

  /** File name of the with-past decoder of a {@link Layout#SPLIT} export. */
  public static final String WITH_PAST_FILE = "decoder_with_past_model.onnx";

  /** Which of Optimum's decoder layouts to write. */
  public enum Layout {
    /** {@code model.onnx}: one decoder that always takes {@code past_key_values.*} (past may be 0). */
    SINGLE,
    /**
     * {@code decoder_model_merged.onnx}: the inputs of the with-past decoder plus {@code use_cache_branch}
     * (bool [1]); one {@code If} node on it whose {@code then_branch} is the with-past decoder and whose
     * {@code else_branch} is the no-past decoder (which ignores {@code past_key_values.*}). Every initializer
     * is in the main graph; the branches read it from the outer scope.
     */
    MERGED,
    /**
     * {@code decoder_model.onnx} (no {@code past_key_values.*} inputs; presents hold this call's keys and
     * values) and {@code decoder_with_past_model.onnx} (as {@link #SINGLE}), each with its own weights.
     */
    SPLIT
  }

  /** Where the weight bytes go. */
  public enum WeightStorage {
    /** Inside the graph file (raw_data); limited to just under 2 GiB by protobuf. */
    INLINE,
    /**
     * In {@code <graph file>_data} (e.g. {@code model.onnx_data}) next to the graph (TensorProto.data_location = EXTERNAL, external_data
     * location / offset / length); tensors under 1 KiB stay inline, tensors of 1 MiB or more are aligned
     * to 4096 bytes.
     */
    EXTERNAL_DATA
  }

  private DecoderExporter() {}

  /**
   * Builds the in-memory model with all weights inline.
   *
   * @throws IllegalArgumentException if {@code weights} belong to another configuration, or if the
   *     weights are too large for an inline model
   */
  public static OnnxMl.ModelProto toModel(DecoderConfig config, DecoderWeights weights) {
    checkMatching(config, weights);
    GraphBuilder builder = DecoderGraph.build(weights);
    long bytes = 0;
    for (GraphBuilder.Weight w : builder.weights()) {
      bytes += (long) w.data().length * Float.BYTES;
    }
    checkArgument(
        bytes < INLINE_LIMIT_BYTES,
        "weights take %s bytes, too many for an inline ONNX model (protobuf limit 2 GiB); export with"
            + " WeightStorage.EXTERNAL_DATA",
        bytes);
    OnnxMl.GraphProto.Builder graph = builder.graph();
    for (GraphBuilder.Weight w : builder.weights()) {
      graph.addInitializer(tensorHeader(w).setRawData(GraphBuilder.floatBytes(w.data())));
    }
    return model(graph);
  }

  /** Same as {@link #export(DecoderConfig, DecoderWeights, Path, WeightStorage)} with inline weights. */
  public static void export(DecoderConfig config, DecoderWeights weights, Path dir)
      throws IOException {
    export(config, weights, dir, WeightStorage.INLINE);
  }

  /** Same as {@link #export(DecoderConfig, DecoderWeights, Path, Layout, WeightStorage)} in {@link Layout#SINGLE}. */
  public static void export(
      DecoderConfig config, DecoderWeights weights, Path dir, WeightStorage storage)
      throws IOException {
    export(config, weights, dir, Layout.SINGLE, storage);
  }

  /**
   * Writes the graph file(s) of {@code layout} (each with its {@code <file>_data} for {@link
   * WeightStorage#EXTERNAL_DATA}), {@code config.json} and {@code generation_config.json} into {@code dir},
   * creating it if needed. Files of this exporter's names that the export does not write (the graphs of
   * other layouts, stale data files) are deleted, so the directory holds exactly one decoder.
   *
   * @throws IllegalArgumentException if {@code weights} belong to another configuration, or inline weights
   *     reach the 2 GiB protobuf limit
   * @throws IOException if a file cannot be written
   */
  public static void export(
      DecoderConfig config, DecoderWeights weights, Path dir, Layout layout, WeightStorage storage)
      throws IOException {
    checkNotNull(dir, "dir");
    checkNotNull(layout, "layout");
    checkNotNull(storage, "storage");
    checkMatching(config, weights);
    Files.createDirectories(dir);
    Set<String> written = new HashSet<>();
    switch (layout) {
      case SINGLE -> {
        GraphBuilder b = DecoderGraph.build(weights);
        write(b.graph(), b.weights(), dir, MODEL_FILE, storage, written);
      }
      case SPLIT -> {
        GraphBuilder noPast = DecoderGraph.build(weights, false);
        write(noPast.graph(), noPast.weights(), dir, NO_PAST_FILE, storage, written);
        GraphBuilder withPast = DecoderGraph.build(weights, true);
        write(withPast.graph(), withPast.weights(), dir, WITH_PAST_FILE, storage, written);
      }
      case MERGED -> {
        OptimumMerge.Merged m = OptimumMerge.merge(DecoderGraph.build(weights, true), DecoderGraph.build(weights, false));
        write(m.graph(), m.weights(), dir, MERGED_FILE, storage, written);
      }
    }
    for (String file : List.of(MODEL_FILE, MERGED_FILE, NO_PAST_FILE, WITH_PAST_FILE)) {
      for (String f : List.of(file, file + "_data")) {
        if (!written.contains(f)) {
          Files.deleteIfExists(dir.resolve(f));
        }
      }
    }
    Files.writeString(dir.resolve("config.json"), config.toConfigJson(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("generation_config.json"), config.toGenerationConfigJson(), StandardCharsets.UTF_8);
  }

  /** Writes {@code graph} plus {@code weights} to {@code dir/file} (and {@code file_data} if external). */
  private static void write(OnnxMl.GraphProto.Builder graph, List<GraphBuilder.Weight> weights, Path dir,
      String file, WeightStorage storage, Set<String> written) throws IOException {
    OnnxMl.ModelProto model;
    if (storage == WeightStorage.INLINE) {
      long bytes = 0;
      for (GraphBuilder.Weight w : weights) {
        bytes += (long) w.data().length * Float.BYTES;
      }
      checkArgument(
          bytes < INLINE_LIMIT_BYTES,
          "weights take %s bytes, too many for an inline ONNX model (protobuf limit 2 GiB); export with"
              + " WeightStorage.EXTERNAL_DATA",
          bytes);
      for (GraphBuilder.Weight w : weights) {
        graph.addInitializer(tensorHeader(w).setRawData(GraphBuilder.floatBytes(w.data())));
      }
      model = model(graph);
    } else {
      model = writeExternal(graph, weights, dir.resolve(file + "_data"));
      written.add(file + "_data");
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(file)))) {
      model.writeTo(out);
    }
    written.add(file);
  }

  private static OnnxMl.ModelProto writeExternal(
      OnnxMl.GraphProto.Builder graph, List<GraphBuilder.Weight> weights, Path dataFile) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            dataFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long offset = 0;
      for (GraphBuilder.Weight w : weights) {
        long length = (long) w.data().length * Float.BYTES;
        if (length < EXTERNAL_THRESHOLD_BYTES) {
          graph.addInitializer(tensorHeader(w).setRawData(GraphBuilder.floatBytes(w.data())));
          continue;
        }
        if (length >= ALIGN_THRESHOLD_BYTES && offset % PAGE != 0) {
          offset += PAGE - offset % PAGE;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(w.data());
        long position = offset;
        while (buf.hasRemaining()) {
          position += channel.write(buf, position);
        }
        graph.addInitializer(
            tensorHeader(w)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", dataFile.getFileName().toString()))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length))));
        offset += length;
      }
    }
    return model(graph);
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static TensorProto.Builder tensorHeader(GraphBuilder.Weight w) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(w.name()).setDataType(GraphBuilder.FLOAT);
    for (long d : w.dims()) {
      t.addDims(d);
    }
    return t;
  }

  private static OnnxMl.ModelProto model(OnnxMl.GraphProto.Builder graph) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("steer")
        .setProducerVersion("0.1.0")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
  }

  private static void checkMatching(DecoderConfig config, DecoderWeights weights) {
    checkNotNull(config, "config");
    checkNotNull(weights, "weights");
    checkArgument(
        weights.config().equals(config),
        "weights were made for %s but the export asks for %s",
        weights.config(),
        config);
  }
}
