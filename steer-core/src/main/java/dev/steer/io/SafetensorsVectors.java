package dev.steer.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes a {@link SteeringVectorSet} as a safetensors file, one tensor per hook point.
 *
 * <h2>Layout</h2>
 *
 * The safetensors format: an 8-byte little-endian unsigned header length n, n bytes of UTF-8 JSON
 * (the writer pads with spaces to a multiple of 8), then the data buffer. The header maps each
 * tensor name to {@code {"dtype": "F32", "shape": [d], "data_offsets": [begin, end]}}, offsets
 * relative to the data buffer. Here every tensor is named by its hook point's TransformerLens name
 * (e.g. {@code blocks.6.hook_resid_post}), is F32 and 1-D of one shared length d ≥ 1, and holds
 * little-endian float32 values.
 *
 * <h2>Metadata schema</h2>
 *
 * The optional {@code "__metadata__"} object maps strings to strings:
 *
 * <ul>
 *   <li>{@code concept}, {@code method}, {@code model_hint}: the set's {@link VectorMetadata}
 *       fields;
 *   <li>{@code detail.<k>}: the set's detail {@code k};
 *   <li>{@code <hook>.concept}, {@code <hook>.method}, {@code <hook>.model_hint}, {@code
 *       <hook>.detail.<k>}, with {@code <hook>} a tensor name such as {@code
 *       blocks.6.hook_resid_post}: the metadata of that vector.
 * </ul>
 *
 * The writer omits empty fields (and {@code __metadata__} itself when nothing is recorded). The
 * reader ignores other keys (such as {@code "format": "pt"} written by PyTorch tools) and
 * per-vector keys for hook points the file has no tensor for.
 *
 * <h2>What the reader rejects</h2>
 *
 * With {@link VectorFileException} naming the field and byte offset: files over 1 GiB, a header
 * length over {@link #MAX_HEADER_BYTES} or beyond the file, invalid UTF-8 or JSON (see the strict
 * parser's rules: duplicate keys, nesting beyond 64, trailing bytes), a tensor name that is not a
 * hook point name, a dtype other than F32, a shape other than {@code [d]}, lengths that differ,
 * data offsets that are not non-negative integers, disagree with the shape, overlap, leave holes or
 * do not cover the data buffer exactly (as the safetensors library requires), non-string metadata
 * values, NaN or infinite values (naming the tensor and component), and a file with no tensors.
 *
 * <p>Stateless and thread-safe.
 */
public final class SafetensorsVectors {

  /** The largest accepted JSON header: 16 MiB (the safetensors library allows 100 MB). */
  public static final int MAX_HEADER_BYTES = 16 << 20;

  static final String METADATA_KEY = "__metadata__";
  private static final Pattern PER_VECTOR_KEY =
      Pattern.compile(
          "(blocks\\.[0-9]{1,9}\\.hook_[a-z_]+)\\.(concept|method|model_hint|detail\\..*)",
          Pattern.DOTALL);

  private SafetensorsVectors() {}

  /**
   * Reads the safetensors vector file at {@code path}; see the class documentation.
   *
   * @throws VectorFileException if the content is malformed, over the size limits or not a vector file
   *     this library accepts (the message names the field and byte offset)
   * @throws IOException if the file cannot be read
   */
  public static SteeringVectorSet read(Path path) throws IOException {
    return read(FileBytes.read(path));
  }

  /**
   * Reads a safetensors vector file from {@code in} up to its end, without closing it.
   *
   * @throws VectorFileException if the content is malformed, over the size limits or not a vector file
   *     this library accepts (the message names the field and byte offset)
   * @throws IOException if the stream cannot be read
   */
  public static SteeringVectorSet read(InputStream in) throws IOException {
    return read(FileBytes.read(in));
  }

  /**
   * Reads a safetensors vector file held in {@code bytes} (not modified, not retained).
   *
   * @throws VectorFileException if the content is malformed, over the size limits or not a vector file
   *     this library accepts (the message names the field and byte offset)
   */
  public static SteeringVectorSet read(byte[] bytes) throws VectorFileException {
    checkNotNull(bytes, "bytes");
    FileBytes.checkSize(bytes);
    if (bytes.length < 8) {
      throw new VectorFileException(
          "truncated: a safetensors file starts with an 8-byte header length but the file has "
              + bytes.length
              + " bytes",
          "header length",
          0);
    }
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw new VectorFileException(
          "header length "
              + Long.toUnsignedString(headerLength)
              + " exceeds the limit of "
              + MAX_HEADER_BYTES
              + " bytes",
          "header length",
          0);
    }
    if (headerLength > bytes.length - 8) {
      throw new VectorFileException(
          "truncated: header length "
              + headerLength
              + " exceeds the "
              + (bytes.length - 8)
              + " bytes after the length field",
          "header length",
          0);
    }
    int dataStart = 8 + (int) headerLength;
    if (headerLength < 2 || bytes[8] != '{') {
      throw new VectorFileException(
          "the header must be a JSON object starting with '{'", "header", 8);
    }
    Map<?, ?> header = (Map<?, ?>) Json.parse(bytes, 8, dataStart, 8);
    Map<?, ?> metadata = Map.of();
    List<TensorEntry> tensors = new ArrayList<>();
    for (Map.Entry<?, ?> e : header.entrySet()) {
      String name = (String) e.getKey();
      if (name.equals(METADATA_KEY)) {
        if (!(e.getValue() instanceof Map<?, ?> m)) {
          throw new VectorFileException(
              "__metadata__ must be a JSON object of strings", METADATA_KEY, 8);
        }
        metadata = m;
      } else {
        tensors.add(entry(name, e.getValue()));
      }
    }
    if (tensors.isEmpty()) {
      throw new VectorFileException(
          "the file holds no tensors; expected one per hook point", "header", 8);
    }
    checkLayout(tensors, bytes.length - dataStart);

    Map<String, MetadataFields> fields = metadataFields(metadata);
    Map<HookPoint, SteeringVector> vectors = new HashMap<>();
    for (TensorEntry t : tensors) {
      float[] values =
          ByteCursor.finiteFloats(bytes, dataStart + (int) t.begin(), t.length(), t.name());
      MetadataFields b = fields.get(t.name());
      vectors.put(
          t.point(),
          SteeringVector.of(values).withMetadata(b == null ? VectorMetadata.EMPTY : b.build()));
    }
    MetadataFields set = fields.get("");
    return SteeringVectorSet.of(vectors, set == null ? VectorMetadata.EMPTY : set.build());
  }

  /**
   * Writes {@code set} to {@code path}, replacing it.
   *
   * @throws IllegalArgumentException as {@link #toBytes}, before touching the file
   * @throws IOException if the file cannot be written
   */
  public static void write(SteeringVectorSet set, Path path) throws IOException {
    checkNotNull(path, "path");
    Files.write(path, toBytes(set));
  }

  /**
   * The bytes {@link #write} would write.
   *
   * @throws IllegalArgumentException if a metadata string holds an unpaired surrogate (not UTF-8)
   */
  public static byte[] toBytes(SteeringVectorSet set) {
    checkNotNull(set, "set");
    Map<String, Object> header = new LinkedHashMap<>();
    Map<String, Object> metadata = new LinkedHashMap<>();
    MetadataFields.put(metadata, "", set.metadata(), true);
    for (SteeringVector v : set.vectors()) {
      MetadataFields.put(metadata, v.hookPoint().orElseThrow().name() + ".", v.metadata(), true);
    }
    if (!metadata.isEmpty()) {
      header.put(METADATA_KEY, metadata);
    }
    long offset = 0;
    for (SteeringVector v : set.vectors()) {
      long end = offset + 4L * v.dimension();
      header.put(
          v.hookPoint().orElseThrow().name(),
          Map.of(
              "dtype",
              "F32",
              "shape",
              List.of(v.dimension()),
              "data_offsets",
              List.of(offset, end)));
      offset = end;
    }
    byte[] json =
        LittleEndianOutput.utf8(Json.write(orderTensorFields(header)), "safetensors header");
    checkArgument(
        json.length <= MAX_HEADER_BYTES && offset + json.length < FileBytes.MAX_FILE_BYTES,
        "the set is too large for a file that can be read back (header %s bytes, data %s bytes)",
        json.length,
        offset);
    LittleEndianOutput out = new LittleEndianOutput();
    int padded = (json.length + 7) / 8 * 8;
    out.u64(padded).bytes(json);
    for (int i = json.length; i < padded; i++) {
      out.u8(' ');
    }
    for (SteeringVector v : set.vectors()) {
      for (float f : v.toArray()) {
        out.f32(f);
      }
    }
    return out.toByteArray();
  }

  // Map.of has no order; write dtype, shape, data_offsets in the conventional order.
  private static Map<String, Object> orderTensorFields(Map<String, Object> header) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    header.forEach(
        (k, v) -> {
          if (k.equals(METADATA_KEY)) {
            ordered.put(k, v);
          } else {
            Map<?, ?> m = (Map<?, ?>) v;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", m.get("dtype"));
            t.put("shape", m.get("shape"));
            t.put("data_offsets", m.get("data_offsets"));
            ordered.put(k, t);
          }
        });
    return ordered;
  }

  // ---- reading ----

  private record TensorEntry(String name, HookPoint point, int length, long begin, long end) {}

  private static TensorEntry entry(String name, Object value) throws VectorFileException {
    HookPoint point;
    try {
      point = HookPoint.parse(name);
    } catch (IllegalArgumentException e) {
      point = null;
    }
    if (point == null || !point.name().equals(name)) {
      throw new VectorFileException(
          "tensor name '"
              + name
              + "' is not a hook point name; expected e.g. blocks.6.hook_resid_post",
          name);
    }
    if (!(value instanceof Map<?, ?> info)) {
      throw new VectorFileException(
          "tensor "
              + name
              + " must be described by a JSON object with dtype, shape and data_offsets",
          name);
    }
    Object dtype = info.get("dtype");
    if (!"F32".equals(dtype)) {
      throw new VectorFileException(
          "tensor " + name + " has dtype " + describe(dtype) + "; steering vectors must be \"F32\"",
          name + ".dtype");
    }
    List<Long> shape = integers(info.get("shape"), name + ".shape");
    if (shape.size() != 1 || shape.get(0) < 1 || shape.get(0) > Integer.MAX_VALUE / 4) {
      throw new VectorFileException(
          "tensor "
              + name
              + " has shape "
              + shape
              + "; expected [d] with 1 <= d <= "
              + Integer.MAX_VALUE / 4,
          name + ".shape");
    }
    List<Long> offsets = integers(info.get("data_offsets"), name + ".data_offsets");
    int length = (int) (long) shape.get(0);
    if (offsets.size() != 2
        || offsets.get(0) > offsets.get(1)
        || offsets.get(1) - offsets.get(0) != 4L * length) {
      throw new VectorFileException(
          "tensor "
              + name
              + " has data_offsets "
              + offsets
              + "; expected [begin, begin + "
              + 4L * length
              + "] for "
              + length
              + " float32 values",
          name + ".data_offsets");
    }
    return new TensorEntry(name, point, length, offsets.get(0), offsets.get(1));
  }

  private static String describe(Object json) {
    if (json instanceof String s) {
      return "\"" + s + "\"";
    }
    if (json instanceof Json.Number n) {
      return n.text();
    }
    return json == null
        ? "(missing)"
        : json instanceof Map ? "an object" : json instanceof List ? "an array" : json.toString();
  }

  private static List<Long> integers(Object json, String field) throws VectorFileException {
    if (!(json instanceof List<?> list) || list.size() > 8) {
      throw new VectorFileException(field + " must be a short JSON array of integers", field);
    }
    List<Long> r = new ArrayList<>();
    for (Object o : list) {
      long v = o instanceof Json.Number n ? n.toLong() : -1;
      if (v < 0) {
        throw new VectorFileException(
            field
                + " holds "
                + (o instanceof Json.Number n ? n.text() : String.valueOf(o))
                + "; expected non-negative integers below 2^63",
            field);
      }
      r.add(v);
    }
    return r;
  }

  /** The tensors, in offset order, must tile the data buffer exactly; all share one length. */
  private static void checkLayout(List<TensorEntry> tensors, long dataLength)
      throws VectorFileException {
    TensorEntry first = tensors.get(0);
    for (TensorEntry t : tensors) {
      if (t.length() != first.length()) {
        throw new VectorFileException(
            "tensor "
                + t.name()
                + " has length "
                + t.length()
                + " but "
                + first.name()
                + " has "
                + first.length()
                + "; all vectors must have one length",
            t.name() + ".shape");
      }
    }
    List<TensorEntry> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(TensorEntry::begin));
    long expected = 0;
    TensorEntry previous = null;
    for (TensorEntry t : sorted) {
      if (t.begin() != expected) {
        String why =
            t.begin() < expected
                ? "overlaps " + previous.name()
                : "leaves a hole: the previous tensor ends at " + expected;
        throw new VectorFileException(
            "tensor " + t.name() + " starts at data offset " + t.begin() + " and " + why,
            t.name() + ".data_offsets");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataLength) {
      throw new VectorFileException(
          "the tensors cover "
              + expected
              + " bytes of data but the file holds "
              + dataLength
              + " after the header; expected them to match exactly",
          sorted.get(sorted.size() - 1).name() + ".data_offsets");
    }
  }

  /** Builders keyed by tensor name, or "" for the set. */
  private static Map<String, MetadataFields> metadataFields(Map<?, ?> metadata)
      throws VectorFileException {
    Map<String, MetadataFields> fields = new HashMap<>();
    for (Map.Entry<?, ?> e : metadata.entrySet()) {
      String key = (String) e.getKey();
      if (!(e.getValue() instanceof String value)) {
        throw new VectorFileException(
            "__metadata__ value of '"
                + key
                + "' is not a string; safetensors metadata maps strings to strings",
            METADATA_KEY + "." + key);
      }
      String owner = "";
      String field = key;
      Matcher m = PER_VECTOR_KEY.matcher(key);
      if (m.matches()) {
        owner = m.group(1);
        field = m.group(2);
      }
      fields.computeIfAbsent(owner, k -> new MetadataFields()).set(field, value);
    }
    return fields;
  }
}
