package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The large weights of a model's decoder graphs, held once per model and handed to every session that ONNX
 * Runtime opens on a rewritten graph ({@link OrtSession.SessionOptions#addInitializer}), so that a new
 * plan shape costs its session's activations and pre-packed kernels, not another copy of the weights.
 *
 * <p>Shared: float32, float16 and bfloat16 initializers of at least {@value #MIN_BYTES} bytes (and below
 * 2 GiB, the most one mapping holds), as read-only memory mappings of a file where possible, so that their
 * pages are the page cache's:
 *
 * <ul>
 *   <li>a model with external data maps its own data files (any inline weights beside them become direct
 *       copies), and its graphs stay as they are;
 *   <li>an inline model has its shared initializers written once to {@value #SPILL_FILE} in a temporary
 *       folder, deleted on {@link #close()}, and {@link #graphs()} are its graphs with those initializers
 *       turned into external references to that file. The rewritten graphs that sessions open are then
 *       small: no weights pass through the Java heap or ORT's model parser per session, and where an ORT
 *       optimisation reads an initializer from the graph (constant folding) it reads the same bytes. Where
 *       no temporary folder can be written, the weights are shared as direct copies and the graphs stay as
 *       they are.
 * </ul>
 *
 * <p>Two initializers share one tensor only when they are the same bytes (the same region of the same
 * file, or equal inline data) with the same type and shape: names alone are not trusted, since separately
 * exported decoders may reuse a generated name for different values.
 *
 * <p>Thread-safe once loaded (read-only). {@link #close()} only after every session that uses it is
 * closed: ORT reads these buffers for the sessions' lifetime.
 */
final class SharedInitializers implements AutoCloseable {

  /** Initializers smaller than this stay in the graph. */
  static final long MIN_BYTES = 4096;

  /** The file an inline model's shared weights are written to. */
  static final String SPILL_FILE = "steer-shared-weights.bin";

  private static final int ALIGNMENT = 64;
  private static final String PREFIX = "steer-weights";

  private final DecoderGraphs graphs;
  private final List<OnnxTensor> owned;
  private final Map<GraphProto, Map<String, OnnxTensor>> byGraph;
  private final long bytes;
  private final Optional<Path> spillFolder;

  private SharedInitializers(DecoderGraphs graphs, List<OnnxTensor> owned,
      Map<GraphProto, Map<String, OnnxTensor>> byGraph, long bytes, Optional<Path> spillFolder) {
    this.graphs = graphs;
    this.owned = owned;
    this.byGraph = byGraph;
    this.bytes = bytes;
    this.spillFolder = spillFolder;
  }

  /** A shareable initializer: its tensor type, byte length and where its bytes are. */
  private record Candidate(TensorProto tensor, OnnxJavaType type, long length, Source source) {}

  /** Same type, shape and bytes: an external region, or inline data compared by content. */
  private record Source(int type, List<Long> dims, InitializerData.Region region, ByteString inline) {}

  /**
   * Loads the shareable initializers of {@code loaded}, spilling an inline model's to a temporary file.
   *
   * @throws ModelLoadException if an external region is invalid or unreadable, the spill file cannot be
   *     written, or ORT refuses a tensor
   */
  static SharedInitializers load(OrtEnvironment env, DecoderGraphs loaded) throws ModelLoadException {
    return load(env, loaded, null);
  }

  /**
   * {@link #load(OrtEnvironment, DecoderGraphs)} spilling into a new folder under {@code spillParent}
   * (null: the system's temporary folder).
   */
  static SharedInitializers load(OrtEnvironment env, DecoderGraphs loaded, Path spillParent)
      throws ModelLoadException {
    List<GraphProto> sources = new ArrayList<>(List.of(loaded.withPast().getGraph()));
    loaded.noPast().ifPresent(m -> sources.add(m.getGraph()));
    boolean external = sources.stream()
        .anyMatch(g -> g.getInitializerList().stream().anyMatch(InitializerData::isExternal));
    Map<GraphProto, List<Candidate>> candidates = new IdentityHashMap<>();
    for (GraphProto g : sources) {
      candidates.put(g, candidates(g, loaded.weightsFolder()));
    }
    if (external) {
      return inPlace(env, loaded, candidates);
    }
    Spill spill;
    try {
      spill = Spill.write(candidates, spillParent);
    } catch (IOException e) {
      // no writable temporary folder: share direct copies; each session then parses the inline weights once
      return inPlace(env, loaded, candidates);
    }
    return spilled(env, loaded, candidates, spill);
  }

  private static List<Candidate> candidates(GraphProto g, Path folder) throws ModelLoadException {
    List<Candidate> out = new ArrayList<>();
    for (TensorProto t : g.getInitializerList()) {
      Optional<OnnxJavaType> type = javaType(t.getDataType());
      long count = InitializerData.elementCount(t);
      if (type.isEmpty() || count < 0) {
        continue;
      }
      long length = count * InitializerData.elementBytes(t.getDataType()).orElseThrow();
      boolean external = InitializerData.isExternal(t);
      if (length < MIN_BYTES || length > Integer.MAX_VALUE || (!external && t.getRawData().size() != length)) {
        continue;
      }
      Source source = external
          ? new Source(t.getDataType(), t.getDimsList(), InitializerData.region(t, folder, length), null)
          : new Source(t.getDataType(), t.getDimsList(), null, t.getRawData());
      out.add(new Candidate(t, type.get(), length, source));
    }
    return out;
  }

  /** Shares external data as mappings of the model's own files and inline data as direct copies. */
  private static SharedInitializers inPlace(OrtEnvironment env, DecoderGraphs loaded,
      Map<GraphProto, List<Candidate>> candidates) throws ModelLoadException {
    Tensors tensors = new Tensors(env);
    try {
      Map<GraphProto, Map<String, OnnxTensor>> byGraph = new IdentityHashMap<>();
      for (Map.Entry<GraphProto, List<Candidate>> e : candidates.entrySet()) {
        Map<String, OnnxTensor> named = new HashMap<>();
        for (Candidate c : e.getValue()) {
          if (c.source().region() == null) {
            named.put(c.tensor().getName(), tensors.get(c, () -> direct(c.source().inline())));
          } else {
            named.put(c.tensor().getName(),
                tensors.get(c, () -> InitializerData.read(c.source().region(), c.tensor().getName(), true)));
          }
        }
        byGraph.put(e.getKey(), Map.copyOf(named));
      }
      return new SharedInitializers(loaded, tensors.owned, byGraph, tensors.bytes, Optional.empty());
    } catch (ModelLoadException | RuntimeException e) {
      tensors.close();
      throw e;
    }
  }

  /** The inline candidates' bytes written once, each distinct source at an aligned offset. */
  private record Spill(Path folder, Path file, Map<Source, Long> offsets) {
    static Spill write(Map<GraphProto, List<Candidate>> candidates, Path parent) throws IOException {
      Path folder = parent == null ? Files.createTempDirectory(PREFIX) : Files.createTempDirectory(parent, PREFIX);
      folder.toFile().deleteOnExit();
      Path file = folder.resolve(SPILL_FILE);
      file.toFile().deleteOnExit();
      Map<Source, Long> offsets = new HashMap<>();
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (List<Candidate> cs : candidates.values()) {
          for (Candidate c : cs) {
            if (!offsets.containsKey(c.source())) {
              long offset = (out.position() + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
              ByteBuffer data = c.source().inline().asReadOnlyByteBuffer();
              for (long at = offset; data.hasRemaining(); ) {
                at += out.write(data, at);
              }
              out.position(offset + c.length());
              offsets.put(c.source(), offset);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        delete(folder);
        throw e;
      }
      return new Spill(folder, file, offsets);
    }
  }

  private static SharedInitializers spilled(OrtEnvironment env, DecoderGraphs loaded,
      Map<GraphProto, List<Candidate>> candidates, Spill spill) throws ModelLoadException {
    Tensors tensors = new Tensors(env);
    try {
      Map<GraphProto, Map<String, OnnxTensor>> byGraph = new IdentityHashMap<>();
      ModelProto withPast = spilled(loaded.withPast(), candidates, spill, tensors, byGraph);
      Optional<ModelProto> noPast = loaded.noPast().isPresent()
          ? Optional.of(spilled(loaded.noPast().get(), candidates, spill, tensors, byGraph))
          : Optional.empty();
      DecoderGraphs graphs =
          new DecoderGraphs(withPast, loaded.withPastMap(), noPast, loaded.noPastMap(), spill.folder(), loaded.io());
      return new SharedInitializers(graphs, tensors.owned, byGraph, tensors.bytes, Optional.of(spill.folder()));
    } catch (ModelLoadException | RuntimeException e) {
      tensors.close();
      delete(spill.folder());
      throw e;
    }
  }

  /** {@code model} with its candidates turned into references to {@code file}; registers their tensors. */
  private static ModelProto spilled(ModelProto model, Map<GraphProto, List<Candidate>> candidates, Spill spill,
      Tensors tensors, Map<GraphProto, Map<String, OnnxTensor>> byGraph) throws ModelLoadException {
    GraphProto source = model.getGraph();
    Map<String, Candidate> byName = new HashMap<>();
    candidates.get(source).forEach(c -> byName.put(c.tensor().getName(), c));
    GraphProto.Builder graph = source.toBuilder();
    Map<String, OnnxTensor> named = new HashMap<>();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      Candidate c = byName.get(graph.getInitializer(i).getName());
      if (c == null) {
        continue;
      }
      long offset = spill.offsets().get(c.source());
      InitializerData.Region region = new InitializerData.Region(spill.file(), offset, c.length());
      named.put(c.tensor().getName(), tensors.get(c, () -> InitializerData.read(region, c.tensor().getName(), true)));
      graph.setInitializer(i, c.tensor().toBuilder().clearRawData().clearExternalData()
          .setDataLocation(TensorProto.DataLocation.EXTERNAL)
          .addExternalData(entry("location", SPILL_FILE))
          .addExternalData(entry("offset", Long.toString(offset)))
          .addExternalData(entry("length", Long.toString(c.length()))));
    }
    GraphProto built = graph.build();
    byGraph.put(built, Map.copyOf(named));
    return model.toBuilder().setGraph(built).build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** Reads a candidate's bytes. */
  private interface Bytes {
    ByteBuffer read() throws ModelLoadException;
  }

  /** One ORT tensor per distinct source, created on first use; owns them until handed over. */
  private static final class Tensors implements AutoCloseable {
    private final OrtEnvironment env;
    private final Map<Source, OnnxTensor> bySource = new HashMap<>();
    private final List<OnnxTensor> owned = new ArrayList<>();
    private long bytes;

    Tensors(OrtEnvironment env) {
      this.env = env;
    }

    OnnxTensor get(Candidate c, Bytes data) throws ModelLoadException {
      OnnxTensor t = bySource.get(c.source());
      if (t == null) {
        long[] shape = c.tensor().getDimsList().stream().mapToLong(Long::longValue).toArray();
        try {
          t = OnnxTensor.createTensor(env, data.read(), shape, c.type());
        } catch (OrtException e) {
          throw new ModelLoadException("ONNX Runtime refused the weight " + c.tensor().getName() + ": "
              + e.getMessage(), e);
        }
        owned.add(t);
        bySource.put(c.source(), t);
        bytes += c.length();
      }
      return t;
    }

    @Override
    public void close() {
      owned.forEach(OnnxTensor::close);
    }
  }

  private static Optional<OnnxJavaType> javaType(int dataType) {
    return switch (dataType) {
      case TensorProto.DataType.FLOAT_VALUE -> Optional.of(OnnxJavaType.FLOAT);
      case TensorProto.DataType.FLOAT16_VALUE -> Optional.of(OnnxJavaType.FLOAT16);
      case TensorProto.DataType.BFLOAT16_VALUE -> Optional.of(OnnxJavaType.BFLOAT16);
      default -> Optional.empty();
    };
  }

  private static ByteBuffer direct(ByteString raw) {
    ByteBuffer b = ByteBuffer.allocateDirect(raw.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    raw.copyTo(b);
    return b.flip();
  }

  /** The graphs that sessions are to be opened on (with their maps and weights folder). */
  DecoderGraphs graphs() {
    return graphs;
  }

  /**
   * Adds to {@code options} the shared tensor of every shared initializer of {@code source}, one of
   * {@link #graphs()}' graphs, from which the session's graph was rewritten (the rewriter keeps
   * initializer names).
   *
   * @throws IllegalArgumentException if {@code source} is not one of {@link #graphs()}' graphs
   */
  void addTo(OrtSession.SessionOptions options, GraphProto source) throws OrtException {
    Map<String, OnnxTensor> named = byGraph.get(source);
    if (named == null) {
      throw new IllegalArgumentException("not one of the graphs these initializers were loaded for");
    }
    for (Map.Entry<String, OnnxTensor> e : named.entrySet()) {
      options.addInitializer(e.getKey(), e.getValue());
    }
  }

  /** Distinct shared tensors. */
  int count() {
    return owned.size();
  }

  /** Bytes held once for all sessions. */
  long bytes() {
    return bytes;
  }

  /** The temporary folder of an inline model's spilled weights, if any. */
  Optional<Path> spillFolder() {
    return spillFolder;
  }

  @Override
  public void close() {
    owned.forEach(OnnxTensor::close);
    spillFolder.ifPresent(SharedInitializers::delete);
  }

  /** Best effort: a mapping still open elsewhere may keep the file on some systems until exit. */
  private static void delete(Path folder) {
    if (folder == null) {
      return;
    }
    try {
      Files.deleteIfExists(folder.resolve(SPILL_FILE));
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // deleteOnExit was registered when the folder was made
    }
  }
}
