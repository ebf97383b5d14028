package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnembeddingTest {

  @Test
  void gpt2ReadsTheTiedEmbeddingThroughItsTranspose(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.GPT2, "transformer.wte.weight", dir, DecoderExporter.WeightStorage.INLINE);
  }

  @Test
  void llamaReadsItsUntiedLmHead(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.LLAMA, "lm_head.weight", dir, DecoderExporter.WeightStorage.INLINE);
  }

  @Test
  void gemma2SkipsTheFinalLogitSoftcap(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.GEMMA2, "model.embed_tokens.weight", dir, DecoderExporter.WeightStorage.INLINE);
  }

  @Test
  void externalDataIsReadFromBesideTheGraph(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.LLAMA, "lm_head.weight", dir, DecoderExporter.WeightStorage.EXTERNAL_DATA);
  }

  @Test
  void mergedExportsAreReadFromTheirWithPastBranch(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.GPT2, "transformer.wte.weight", dir, DecoderExporter.Layout.MERGED,
        DecoderExporter.WeightStorage.EXTERNAL_DATA);
  }

  @Test
  void splitExportsAreReadFromTheirWithPastDecoder(@TempDir Path dir) throws IOException {
    assertUnembeddingIs(Architecture.LLAMA, "lm_head.weight", dir, DecoderExporter.Layout.SPLIT,
        DecoderExporter.WeightStorage.INLINE);
  }

  @Test
  void halfPrecisionBitsConvertExactly() {
    assertEquals(1.0f, Unembeddings.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, Unembeddings.halfToFloat((short) 0xc000));
    assertEquals(65504f, Unembeddings.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, Unembeddings.halfToFloat((short) 0x0001));
    assertEquals(-0.0f, Unembeddings.halfToFloat((short) 0x8000));
    assertEquals(Float.POSITIVE_INFINITY, Unembeddings.halfToFloat((short) 0x7c00));
  }

  /** W_U row i equals row i of the named [V, d] weight. */
  private static void assertUnembeddingIs(
      Architecture a, String weight, Path dir, DecoderExporter.WeightStorage storage) throws IOException {
    assertUnembeddingIs(a, weight, dir, DecoderExporter.Layout.SINGLE, storage);
  }

  private static void assertUnembeddingIs(Architecture a, String weight, Path dir, DecoderExporter.Layout layout,
      DecoderExporter.WeightStorage storage) throws IOException {
    DecoderWeights w = TinyModelDirs.weights(a);
    DecoderExporter.export(TinyModelDirs.config(a), w, dir, layout, storage);
    WordLevelTokenizerJson.of(TinyModelDirs.words(), true).writeTo(dir);
    try (OnnxSteerableModel m = OnnxSteerableModel.open(dir)) {
      float[][] u = m.unembedding();
      float[] expected = w.get(weight);
      int d = w.shape(weight).get(1);
      assertEquals(w.shape(weight).get(0), u.length);
      for (int i = 0; i < u.length; i++) {
        float[] row = Arrays.copyOfRange(expected, i * d, (i + 1) * d);
        assertArrayEquals(row, u[i], 0f, "row " + i);
      }
    }
  }
}
