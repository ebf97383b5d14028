package dev.steer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsVectorsTest {

  @Test
  void readsAHandBuiltFileWithMetadataAndOutOfOrderData() throws Exception {
    String header =
        "{\"__metadata__\": {\"concept\": \"joy\", \"format\": \"pt\", \"detail.pairs\": \"64\","
            + " \"blocks.2.hook_resid_post.method\": \"pca\", \"blocks.9.hook_resid_post.method\":"
            + " \"x\"}, \"blocks.2.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [2],"
            + " \"data_offsets\": [8, 16]}, \"blocks.1.hook_mlp_out\": {\"shape\": [2], \"dtype\":"
            + " \"F32\", \"data_offsets\": [0, 8]}}";
    byte[] file = file(header, 1f, -2f, 3.5f, 4f);

    SteeringVectorSet set = SafetensorsVectors.read(file);

    assertEquals(
        SteeringVectorSet.of(
            Map.of(
                HookPoint.mlpOut(1), SteeringVector.of(1f, -2f),
                HookPoint.residPost(2),
                    SteeringVector.of(3.5f, 4f)
                        .withMetadata(VectorMetadata.EMPTY.withMethod("pca"))),
            VectorMetadata.ofConcept("joy").withDetail("pairs", "64")),
        set);
  }

  @Test
  void writesTheDocumentedLayout() {
    SteeringVectorSet set =
        SteeringVectorSet.of(
            Map.of(
                HookPoint.residPost(3),
                    SteeringVector.of(5f, 6f).withMetadata(VectorMetadata.ofConcept("calm")),
                HookPoint.residPre(3), SteeringVector.of(7f, 8f)),
            new VectorMetadata("joy", "mean_difference", "llama", Map.of("n", "1")));
    String header =
        "{\"__metadata__\":{\"concept\":\"joy\",\"method\":\"mean_difference\",\"model_hint\":\"llama\","
            + "\"detail.n\":\"1\",\"blocks.3.hook_resid_post.concept\":\"calm\"},"
            + "\"blocks.3.hook_resid_pre\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"blocks.3.hook_resid_post\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    assertArrayEquals(file(header, 7f, 8f, 5f, 6f), SafetensorsVectors.toBytes(set));
  }

  @Test
  void roundTripsEverySiteAndAwkwardStrings(@TempDir Path dir) throws Exception {
    SteeringVectorSet set =
        SteeringVectorSet.of(
            Map.of(
                HookPoint.residPre(0), SteeringVector.of(1f, Float.MIN_VALUE, -0f),
                HookPoint.attnOut(4),
                    SteeringVector.of(Float.MAX_VALUE, -3e-20f, 2f)
                        .withMetadata(
                            new VectorMetadata(
                                "q\"uote", "back\\slash", "tab\t", Map.of("ctl\u0001", "😀"))),
                HookPoint.residMid(4), SteeringVector.of(0f, 0f, 1f)),
            new VectorMetadata("ünïcödé", "", "gemma2", Map.of("a.b", "", "new\nline", "x")));
    Path file = dir.resolve("v.safetensors");
    SafetensorsVectors.write(set, file);
    assertEquals(set, SafetensorsVectors.read(file));
    assertEquals(
        set, SafetensorsVectors.read(new ByteArrayInputStream(SafetensorsVectors.toBytes(set))));
  }

  @Test
  void theHeaderIsPaddedToEightBytes() {
    byte[] bytes =
        SafetensorsVectors.toBytes(
            SteeringVectorSet.of(Map.of(HookPoint.residPost(1), SteeringVector.of(1f))));
    long n = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, n % 8);
    assertEquals(8 + n + 4, bytes.length);
  }

  // ---- rejections ----

  @Test
  void rejectsAFileShorterThanTheLengthField() {
    assertEquals(OptionalLong.of(0), rejects(new byte[5], "truncated", "5 bytes").byteOffset());
  }

  @Test
  void rejectsAHeaderLengthBeyondTheFileOrTheCap() {
    byte[] valid = validFile();
    VectorFileException past =
        rejects(withLength(valid, valid.length), "header length " + valid.length + " exceeds the");
    assertEquals("header length", past.field().orElseThrow());
    rejects(withLength(valid, 1L << 60), "exceeds the limit of 16777216 bytes");
    rejects(withLength(valid, -1), "18446744073709551615 exceeds the limit");
  }

  @Test
  void rejectsInvalidJson() {
    VectorFileException e =
        rejects(
            file("{\"blocks.1.hook_resid_post\": {\"dtype\": \"F32\",}}"),
            "invalid JSON",
            "expected a string key");
    assertEquals(OptionalLong.of(8 + 45), e.byteOffset());
    rejects(file("[1]"), "must be a JSON object");
    rejects(file("{} x"), "after the JSON value");
    rejects(file("{\"a\": tru}"), "expected true");
    rejects(file("{\"a\": 01}"), "unexpected '1' in an object; expected ',' or '}'");
  }

  @Test
  void rejectsInvalidUtf8InTheHeader() {
    byte[] f = file("{\"__metadata__\": {\"concept\": \"ab\"}}");
    int at = new String(f, StandardCharsets.ISO_8859_1).indexOf("ab");
    f[at] = (byte) 0xc0; // overlong lead byte
    f[at + 1] = (byte) 0xaf;
    VectorFileException e = rejects(f, "invalid UTF-8 lead byte 0xc0");
    assertEquals(OptionalLong.of(at), e.byteOffset());
  }

  @Test
  void rejectsDeeplyNestedJsonWithoutOverflowingTheStack() {
    rejects(
        file("{\"x\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
        "nested deeper than 64");
  }

  @Test
  void rejectsDuplicateKeys() {
    String t = "{\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
    VectorFileException e =
        rejects(
            file(
                "{\"blocks.1.hook_resid_post\": "
                    + t
                    + ", \"blocks.1.hook_resid_post\": "
                    + t
                    + "}",
                1f),
            "duplicate key \"blocks.1.hook_resid_post\"");
    assertEquals("blocks.1.hook_resid_post", e.field().orElseThrow());
  }

  @Test
  void rejectsTensorsThatAreNotHookPoints() {
    rejects(
        file(
            "{\"direction.1\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
            1f),
        "'direction.1' is not a hook point name");
    rejects(
        file(
            "{\"blocks.01.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\":"
                + " [0, 4]}}",
            1f),
        "not a hook point name");
    rejects(file("{\"blocks.1.hook_resid_post\": 3}", 1f), "must be described by a JSON object");
  }

  @Test
  void rejectsWrongDtypesAndShapes() {
    VectorFileException dtype =
        rejects(
            tensor("\"F16\"", "[2]", "[0, 4]", 4),
            "has dtype \"F16\"; steering vectors must be \"F32\"");
    assertEquals("blocks.1.hook_resid_post.dtype", dtype.field().orElseThrow());
    rejects(tensor(null, "[1]", "[0, 4]", 4), "dtype (missing)");
    rejects(tensor("\"F32\"", "[1, 2]", "[0, 8]", 8), "shape [1, 2]; expected [d]");
    rejects(tensor("\"F32\"", "[0]", "[0, 0]", 0), "shape [0]");
    rejects(tensor("\"F32\"", "[-1]", "[0, 4]", 4), "holds -1; expected non-negative integers");
    rejects(tensor("\"F32\"", "[1.0]", "[0, 4]", 4), "holds 1.0");
    rejects(tensor("\"F32\"", "[1e999999999]", "[0, 4]", 4), "holds 1e999999999");
    rejects(tensor("\"F32\"", "[9223372036854775808]", "[0, 4]", 4), "holds 9223372036854775808");
    rejects(tensor("\"F32\"", "\"2\"", "[0, 4]", 4), "shape must be a short JSON array");
  }

  @Test
  void rejectsBadDataOffsets() {
    rejects(
        tensor("\"F32\"", "[2]", "[0, 4]", 8), "data_offsets [0, 4]; expected [begin, begin + 8]");
    rejects(tensor("\"F32\"", "[1]", "[8, 4]", 8), "data_offsets [8, 4]");
    rejects(tensor("\"F32\"", "[1]", "[4, 8]", 8), "starts at data offset 4 and leaves a hole");
    rejects(
        tensor("\"F32\"", "[1]", "[9223372036854775800, 9223372036854775804]", 4),
        "starts at data offset 9223372036854775800");
    rejects(tensor("\"F32\"", "[1]", "[0, 4]", 8), "cover 4 bytes of data but the file holds 8");
    rejects(tensor("\"F32\"", "[1]", "[0, 4]", 2), "cover 4 bytes of data but the file holds 2");
    String t = "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": ";
    rejects(
        file(
            "{\"blocks.1.hook_resid_post\": {"
                + t
                + "[0, 8]}, \"blocks.2.hook_resid_post\": {"
                + t
                + "[4, 12]}}",
            1f,
            2f,
            3f),
        "blocks.2.hook_resid_post starts at data offset 4 and overlaps blocks.1.hook_resid_post");
  }

  @Test
  void rejectsMixedLengths() {
    rejects(
        file(
            "{\"blocks.1.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\":"
                + " [0, 4]}, \"blocks.2.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [2],"
                + " \"data_offsets\": [4, 12]}}",
            1f,
            2f,
            3f),
        "blocks.2.hook_resid_post has length 2 but blocks.1.hook_resid_post has 1");
  }

  @Test
  void rejectsNonFiniteValuesNamingTensorAndComponent() {
    byte[] f =
        file(
            "{\"blocks.1.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\":"
                + " [0, 12]}}",
            1f,
            2f,
            Float.POSITIVE_INFINITY);
    VectorFileException e = rejects(f, "blocks.1.hook_resid_post component 2 is Infinity");
    assertEquals(OptionalLong.of(f.length - 4), e.byteOffset());
  }

  @Test
  void rejectsBadMetadata() {
    String t =
        ", \"blocks.1.hook_resid_post\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0,"
            + " 4]}}";
    VectorFileException e =
        rejects(
            file("{\"__metadata__\": {\"concept\": 3}" + t, 1f),
            "value of 'concept' is not a string");
    assertEquals("__metadata__.concept", e.field().orElseThrow());
    rejects(file("{\"__metadata__\": [\"concept\"]" + t, 1f), "__metadata__ must be a JSON object");
  }

  @Test
  void rejectsAFileWithoutTensors() {
    rejects(file("{\"__metadata__\": {}}"), "holds no tensors");
  }

  // ---- fixtures ----

  /** An 8-byte length, the header (padded with spaces to 8 bytes), then the float32 values. */
  static byte[] file(String header, float... data) {
    LeBytes b = new LeBytes();
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    b.u64(padded).raw(json);
    for (int i = json.length; i < padded; i++) {
      b.ascii(" ");
    }
    for (float f : data) {
      b.f32(f);
    }
    return b.toArray();
  }

  private static byte[] tensor(String dtype, String shape, String offsets, int dataBytes) {
    String json =
        "{\"blocks.1.hook_resid_post\": {"
            + (dtype == null ? "" : "\"dtype\": " + dtype + ", ")
            + "\"shape\": "
            + shape
            + ", \"data_offsets\": "
            + offsets
            + "}}";
    byte[] head = file(json);
    return java.util.Arrays.copyOf(head, head.length + dataBytes);
  }

  static byte[] validFile() {
    return file(
        "{\"__metadata__\": {\"concept\": \"joy\"}, \"blocks.1.hook_resid_post\": {\"dtype\":"
            + " \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}",
        1f,
        2f);
  }

  private static byte[] withLength(byte[] file, long length) {
    byte[] c = file.clone();
    java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, length);
    return c;
  }

  private static VectorFileException rejects(byte[] file, String... fragments) {
    VectorFileException e =
        assertThrows(VectorFileException.class, () -> SafetensorsVectors.read(file));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "expected '" + f + "' in: " + e.getMessage());
    }
    return e;
  }
}
