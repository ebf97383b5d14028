package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.steer.onnx.export.DecoderWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The float32 parameters of a {@link TestbedModelConfig testbed model}, one row-major array per tensor,
 * named and laid out as a Hugging Face GPT-2 state dict (see {@link TestbedModelConfig#tensorShapes()}),
 * so that {@code DecoderWeights.of(gpt2Config, weights.tensors())} of {@code dev.steer.onnx.export} takes
 * them as they are. Immutable and thread-safe: arrays are copied in and out.
 *
 * <p><b>File format</b> ({@link #write}/{@link #read}), all numbers little-endian:
 *
 * <pre>
 *   magic      8 bytes  ASCII "STEERTB1" (full attention) or "STEERTB2" (with a sliding window)
 *   config     6 × int32 vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions;
 *              float64 normEps; STEERTB2 only: 2 × int32 slidingWindow, fullAttentionLayers
 *   count      int32    number of tensors (must equal the config's)
 *   per tensor int32 name length n (1..256), n bytes UTF-8 name, int32 rank r (1..2), r × int32 dims,
 *              then prod(dims) × float32 values, row-major
 * </pre>
 *
 * Tensors appear in {@link TestbedModelConfig#tensorShapes()} order; nothing follows the last one.
 * A model without a sliding window is written as STEERTB1, so its files are those of earlier versions.
 */
public final class TestbedWeights {

  private static final byte[] MAGIC_FULL_ATTENTION = "STEERTB1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_WINDOWED = "STEERTB2".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_NAME_BYTES = 256;

  private final TestbedModelConfig config;
  private final ImmutableMap<String, float[]> tensors;

  private TestbedWeights(TestbedModelConfig config, ImmutableMap<String, float[]> tensors) {
    this.config = config;
    this.tensors = tensors;
  }

  /**
   * Wraps (copies) {@code tensors} after checking that their names are exactly those of {@code
   * config.tensorShapes()}, that each has as many values as its shape and that every value is finite.
   *
   * @throws IllegalArgumentException naming the missing, unexpected, mis-sized or non-finite tensor
   */
  public static TestbedWeights of(TestbedModelConfig config, Map<String, float[]> tensors) {
    checkNotNull(config, "config");
    checkNotNull(tensors, "tensors");
    // the exporter's checks: names, sizes and finiteness, with messages naming the tensor
    DecoderWeights checked = DecoderWeights.of(config.decoderConfig(), tensors);
    ImmutableMap.Builder<String, float[]> copies = ImmutableMap.builder();
    for (String name : checked.names()) {
      copies.put(name, checked.get(name));
    }
    return new TestbedWeights(config, copies.build());
  }

  /**
   * The training initialisation, deterministic in {@code seed}: every matrix ~ N(0, 1/fan_in) with fan_in
   * its input width (d for the embeddings), the residual-writing {@code c_proj} matrices further scaled by
   * 1/√(2·numLayers) as in GPT-2; LayerNorm gains 1, biases 0. Values come from {@code new
   * Random(seed).nextGaussian()} in {@link #names()} order, row-major.
   *
   * <p>GPT-2's fixed N(0, 0.02²) is deliberately not used: at d = 64 it leaves the model on a long
   * plateau (about 1.32 nats/token, every cross-sentence dependency unlearnt) because the gradients of
   * products of small matrices (embedding, value and output projections) are themselves small.
   */
  public static TestbedWeights initial(TestbedModelConfig config, long seed) {
    return gaussian(config, seed, Double.NaN, 1 / Math.sqrt(2.0 * config.numLayers()), 0, 0);
  }

  /**
   * Random weights for tests, deterministic in {@code seed}, with activations O(1) and every parameter
   * visible in the output: matrices ~ N(0, 1/fan_in) (fan_in = d for embeddings), gains 1 + N(0, 0.1²),
   * biases N(0, 0.1²).
   */
  public static TestbedWeights random(TestbedModelConfig config, long seed) {
    return gaussian(config, seed, Double.NaN, 1, 0.1, 0.1);
  }

  private static TestbedWeights gaussian(
      TestbedModelConfig config, long seed, double matrixStd, double projScale, double gainStd,
      double biasStd) {
    checkNotNull(config, "config");
    Random random = new Random(seed);
    ImmutableMap.Builder<String, float[]> b = ImmutableMap.builder();
    for (Map.Entry<String, ImmutableList<Integer>> e : config.tensorShapes().entrySet()) {
      String name = e.getKey();
      ImmutableList<Integer> shape = e.getValue();
      float[] data = new float[size(shape)];
      double mean = 0;
      double std;
      if (shape.size() == 2) {
        boolean embedding = name.contains(".wte.") || name.contains(".wpe.");
        int fanIn = embedding ? shape.get(1) : shape.get(0);
        std = Double.isNaN(matrixStd) ? 1 / Math.sqrt(fanIn) : matrixStd;
        if (name.endsWith("c_proj.weight")) {
          std *= projScale;
        }
      } else if (name.endsWith(".bias")) {
        std = biasStd;
      } else {
        mean = 1;
        std = gainStd;
      }
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (mean + std * random.nextGaussian());
      }
      b.put(name, data);
    }
    return new TestbedWeights(config, b.build());
  }

  /** The configuration these weights belong to. */
  public TestbedModelConfig config() {
    return config;
  }

  /** The tensor names in checkpoint order. */
  public ImmutableList<String> names() {
    return tensors.keySet().asList();
  }

  /** The shape of tensor {@code name}; throws {@link IllegalArgumentException} if there is none. */
  public ImmutableList<Integer> shape(String name) {
    checkKnown(name);
    return config.tensorShapes().get(name);
  }

  /** A copy of tensor {@code name}, row-major; throws {@link IllegalArgumentException} if there is none. */
  public float[] get(String name) {
    checkKnown(name);
    return tensors.get(name).clone();
  }

  /** Copies of all tensors by name, in checkpoint order (a mutable map the caller owns). */
  public Map<String, float[]> tensors() {
    Map<String, float[]> copy = new LinkedHashMap<>();
    tensors.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** The stored array, for readers in this package that promise not to modify it. */
  float[] view(String name) {
    checkKnown(name);
    return tensors.get(name);
  }

  /** Writes these weights to {@code file} in the format of the class comment, replacing it. */
  public void write(Path file) throws IOException {
    checkNotNull(file, "file");
    Files.write(file, toBytes());
  }

  /** These weights in the format of the class comment. */
  public byte[] toBytes() {
    boolean windowed = config.slidingWindow() > 0;
    long bytes = MAGIC_FULL_ATTENTION.length + 6 * 4 + 8 + (windowed ? 2 * 4 : 0) + 4;
    for (String name : names()) {
      bytes += 4 + name.getBytes(StandardCharsets.UTF_8).length + 4 + 4 * shape(name).size()
          + 4L * tensors.get(name).length;
    }
    checkArgument(bytes <= Integer.MAX_VALUE, "weights too large for one file: %s bytes", bytes);
    ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put(windowed ? MAGIC_WINDOWED : MAGIC_FULL_ATTENTION);
    out.putInt(config.vocabSize()).putInt(config.hiddenSize()).putInt(config.numLayers());
    out.putInt(config.numHeads()).putInt(config.intermediateSize()).putInt(config.maxPositions());
    out.putDouble(config.normEps());
    if (windowed) {
      out.putInt(config.slidingWindow()).putInt(config.fullAttentionLayers());
    }
    out.putInt(tensors.size());
    for (String name : names()) {
      byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
      out.putInt(utf8.length).put(utf8);
      ImmutableList<Integer> shape = shape(name);
      out.putInt(shape.size());
      shape.forEach(out::putInt);
      for (float v : tensors.get(name)) {
        out.putFloat(v);
      }
    }
    return out.array();
  }

  /**
   * Reads weights written by {@link #write}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the content is not a valid weights file (the message says where)
   */
  public static TestbedWeights read(Path file) throws IOException {
    checkNotNull(file, "file");
    return fromBytes(Files.readAllBytes(file));
  }

  /** Reads weights written by {@link #write} from {@code in} (not closed), e.g. a class-path resource. */
  public static TestbedWeights read(InputStream in) throws IOException {
    checkNotNull(in, "in");
    return fromBytes(in.readAllBytes());
  }

  /** Parses the format of the class comment; see {@link #read(Path)}. */
  public static TestbedWeights fromBytes(byte[] bytes) {
    checkNotNull(bytes, "bytes");
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      byte[] magic = new byte[MAGIC_FULL_ATTENTION.length];
      in.get(magic);
      boolean windowed = Arrays.equals(magic, MAGIC_WINDOWED);
      checkArgument(
          windowed || Arrays.equals(magic, MAGIC_FULL_ATTENTION),
          "not a testbed weights file: magic %s, expected STEERTB1 or STEERTB2",
          new String(magic, StandardCharsets.ISO_8859_1));
      int vocab = in.getInt();
      int hidden = in.getInt();
      int layers = in.getInt();
      int heads = in.getInt();
      int inner = in.getInt();
      int positions = in.getInt();
      double eps = in.getDouble();
      TestbedModelConfig config =
          windowed
              ? new TestbedModelConfig(
                  vocab, hidden, layers, heads, inner, positions, eps, in.getInt(), in.getInt())
              : new TestbedModelConfig(vocab, hidden, layers, heads, inner, positions, eps);
      ImmutableMap<String, ImmutableList<Integer>> shapes = config.tensorShapes();
      int count = in.getInt();
      checkArgument(
          count == shapes.size(), "weights file holds %s tensors, config needs %s", count, shapes.size());
      Map<String, float[]> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, ImmutableList<Integer>> e : shapes.entrySet()) {
        int nameLength = in.getInt();
        checkArgument(
            nameLength > 0 && nameLength <= MAX_NAME_BYTES,
            "tensor name length must be in [1, %s]: %s",
            MAX_NAME_BYTES,
            nameLength);
        byte[] utf8 = new byte[nameLength];
        in.get(utf8);
        String name = new String(utf8, StandardCharsets.UTF_8);
        checkArgument(
            name.equals(e.getKey()), "tensor %s in file where %s was expected", name, e.getKey());
        int rank = in.getInt();
        checkArgument(
            rank == e.getValue().size(), "tensor %s has rank %s, expected %s", name, rank, e.getValue());
        for (int dim : e.getValue()) {
          int stored = in.getInt();
          checkArgument(
              stored == dim, "tensor %s has dimension %s where shape %s was expected", name, stored,
              e.getValue());
        }
        int size = size(e.getValue());
        checkArgument(
            in.remaining() / 4 >= size,
            "file ends inside tensor %s: %s bytes left, %s needed",
            name,
            in.remaining(),
            4L * size);
        float[] data = new float[size];
        in.asFloatBuffer().get(data);
        in.position(in.position() + 4 * size);
        tensors.put(name, data);
      }
      checkArgument(!in.hasRemaining(), "%s unexpected bytes after the last tensor", in.remaining());
      return of(config, tensors);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(
          "weights file truncated: " + bytes.length + " bytes end inside the header", e);
    }
  }

  private void checkKnown(String name) {
    checkArgument(
        tensors.containsKey(name), "no tensor named '%s'; names look like %s", name, names().get(0));
  }

  private static int size(ImmutableList<Integer> shape) {
    long n = 1;
    for (int dim : shape) {
      n *= dim;
    }
    checkArgument(n <= Integer.MAX_VALUE - 8, "tensor of shape %s exceeds a Java array", shape);
    return (int) n;
  }
}
