package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestbedWeightsTest {

  private static final TestbedModelConfig SMALL = new TestbedModelConfig(11, 8, 2, 2, 12, 6, 1e-5);

  @Test
  void fileRoundTripKeepsConfigNamesAndEveryValue(@TempDir Path dir) throws IOException {
    TestbedWeights weights = TestbedWeights.random(SMALL, 3);
    Path file = dir.resolve("w.weights");
    weights.write(file);
    TestbedWeights back = TestbedWeights.read(file);
    assertEquals(SMALL, back.config());
    assertEquals(weights.names(), back.names());
    for (String name : weights.names()) {
      assertArrayEquals(weights.get(name), back.get(name), name);
    }
  }

  @Test
  void aSlidingWindowIsWrittenAsTheSecondFormatAndReadBack() {
    TestbedModelConfig windowed = new TestbedModelConfig(11, 8, 2, 2, 12, 6, 1e-5, 3, 1);
    byte[] v2 = TestbedWeights.random(windowed, 3).toBytes();
    byte[] v1 = TestbedWeights.random(SMALL, 3).toBytes();
    assertEquals("STEERTB2", new String(v2, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals("STEERTB1", new String(v1, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(v1.length + 8, v2.length, "two int32 window fields");
    assertEquals(windowed, TestbedWeights.fromBytes(v2).config());
    assertEquals(SMALL, TestbedWeights.fromBytes(v1).config());
  }

  @Test
  void inconsistentWindowsAreRejectedWithTheirValues() {
    IllegalArgumentException noWindow =
        assertThrows(IllegalArgumentException.class,
            () -> new TestbedModelConfig(11, 8, 2, 2, 12, 6, 1e-5, 0, 1));
    assertTrue(noWindow.getMessage().contains("must be numLayers 2: 1"), noWindow.getMessage());
    IllegalArgumentException tooWide =
        assertThrows(IllegalArgumentException.class,
            () -> new TestbedModelConfig(11, 8, 2, 2, 12, 6, 1e-5, 7, 1));
    assertTrue(tooWide.getMessage().contains("maxPositions 6]: 7"), tooWide.getMessage());
    assertEquals(1, TestbedModelConfig.standard(1).vocabSize(), "any vocabulary size, special ids aside");
  }

  @Test
  void streamAndBytesReadTheSameFormat() throws IOException {
    TestbedWeights weights = TestbedWeights.random(SMALL, 4);
    byte[] bytes = weights.toBytes();
    TestbedWeights back = TestbedWeights.read(new ByteArrayInputStream(bytes));
    assertArrayEquals(bytes, back.toBytes());
  }

  @Test
  void namesAndShapesFollowHuggingFaceGpt2() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 1);
    assertEquals(2 + 12 * 2 + 2, weights.names().size());
    assertEquals("transformer.wte.weight", weights.names().get(0));
    assertEquals(List.of(11, 8), weights.shape("transformer.wte.weight"));
    assertEquals(List.of(6, 8), weights.shape("transformer.wpe.weight"));
    assertEquals(List.of(8, 24), weights.shape("transformer.h.1.attn.c_attn.weight"));
    assertEquals(List.of(8, 12), weights.shape("transformer.h.0.mlp.c_fc.weight"));
    assertEquals(List.of(12, 8), weights.shape("transformer.h.0.mlp.c_proj.weight"));
    assertEquals("transformer.ln_f.bias", weights.names().get(weights.names().size() - 1));
    assertEquals(SMALL.parameterCount(), weights.tensors().values().stream().mapToLong(a -> a.length).sum());
  }

  @Test
  void initialWeightsScaleMatricesByFanInAndResidualProjectionsByDepth() {
    TestbedWeights weights = TestbedWeights.initial(SMALL, 2);
    assertTrue(allEqual(weights.get("transformer.h.0.ln_1.weight"), 1f));
    assertTrue(allEqual(weights.get("transformer.h.0.attn.c_attn.bias"), 0f));
    // c_fc [8, 12]: 1/sqrt(8); mlp.c_proj [12, 8]: 1/sqrt(12) / sqrt(2 * 2 layers); wte [11, 8]: 1/sqrt(8).
    assertEquals(1 / Math.sqrt(8), std(weights.get("transformer.h.0.mlp.c_fc.weight")), 0.05);
    assertEquals(1 / Math.sqrt(12) / 2, std(weights.get("transformer.h.1.mlp.c_proj.weight")), 0.03);
    assertEquals(1 / Math.sqrt(8), std(weights.get("transformer.wte.weight")), 0.05);
  }

  @Test
  void sameSeedGivesSameWeights() {
    assertArrayEquals(TestbedWeights.initial(SMALL, 9).toBytes(), TestbedWeights.initial(SMALL, 9).toBytes());
  }

  @Test
  void returnedArraysAreCopies() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 1);
    weights.get("transformer.ln_f.bias")[0] = 42;
    weights.tensors().get("transformer.ln_f.bias")[0] = 42;
    assertTrue(weights.get("transformer.ln_f.bias")[0] != 42);
  }

  @Test
  void rejectsAMissingTensor() {
    Map<String, float[]> tensors = TestbedWeights.random(SMALL, 1).tensors();
    tensors.remove("transformer.h.1.ln_2.bias");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedWeights.of(SMALL, tensors));
    assertTrue(e.getMessage().contains("transformer.h.1.ln_2.bias"), e.getMessage());
  }

  @Test
  void rejectsAWronglySizedTensor() {
    Map<String, float[]> tensors = TestbedWeights.random(SMALL, 1).tensors();
    tensors.put("transformer.wpe.weight", new float[5]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedWeights.of(SMALL, tensors));
    assertTrue(e.getMessage().contains("transformer.wpe.weight has 5 values"), e.getMessage());
  }

  @Test
  void rejectsANonFiniteValue() {
    Map<String, float[]> tensors = TestbedWeights.random(SMALL, 1).tensors();
    tensors.get("transformer.ln_f.weight")[3] = Float.NaN;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedWeights.of(SMALL, tensors));
    assertTrue(e.getMessage().contains("non-finite value at 3"), e.getMessage());
  }

  @Test
  void rejectsAFileWithTheWrongMagic() {
    byte[] bytes = TestbedWeights.random(SMALL, 1).toBytes();
    bytes[0] = 'X';
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedWeights.fromBytes(bytes));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void rejectsATruncatedFileWithoutAllocatingTheClaimedTensor() {
    byte[] bytes = TestbedWeights.random(SMALL, 1).toBytes();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestbedWeights.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)));
    assertTrue(e.getMessage().contains("file ends inside tensor transformer.ln_f.bias"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TestbedWeights.fromBytes(Arrays.copyOf(bytes, 20)));
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] bytes = TestbedWeights.random(SMALL, 1).toBytes();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestbedWeights.fromBytes(Arrays.copyOf(bytes, bytes.length + 4)));
    assertTrue(e.getMessage().contains("4 unexpected bytes"), e.getMessage());
  }

  @Test
  void rejectsAHugeClaimedConfigWithoutAllocating() {
    byte[] bytes = TestbedWeights.random(SMALL, 1).toBytes();
    // hiddenSize (bytes 12..15, little-endian) set to 16384 makes c_fc claim far more than the file holds.
    bytes[12] = 0;
    bytes[13] = 0x40;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedWeights.fromBytes(bytes));
    assertTrue(e.getMessage().contains("transformer.wte.weight"), e.getMessage());
  }

  private static boolean allEqual(float[] a, float v) {
    for (float x : a) {
      if (x != v) {
        return false;
      }
    }
    return true;
  }

  private static double std(float[] a) {
    double s = 0;
    double s2 = 0;
    for (float x : a) {
      s += x;
      s2 += x * x;
    }
    double mean = s / a.length;
    return Math.sqrt(s2 / a.length - mean * mean);
  }
}
