package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderExporter.Layout;
import dev.steer.onnx.export.DecoderExporter.WeightStorage;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weights every session of a model shares: what is shared, where it lives, and what is not trusted. */
class SharedInitializersTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  @TempDir Path root;

  private Path export(DecoderWeights weights, Layout layout, WeightStorage storage, String name) throws IOException {
    Path dir = root.resolve(name);
    DecoderExporter.export(weights.config(), weights, dir, layout, storage);
    WordLevelTokenizerJson.of(TinyModelDirs.words(), true).writeTo(dir);
    return dir;
  }

  private static DecoderGraphs graphs(Path dir) throws IOException {
    return DecoderGraphs.load(ModelDirectory.open(dir));
  }

  /** Float initializers of at least MIN_BYTES (the testbed-sized models hold no bfloat16 or float16). */
  private static long shareable(GraphProto g) {
    return g.getInitializerList().stream()
        .filter(t -> t.getDataType() == TensorProto.DataType.FLOAT_VALUE)
        .filter(t -> InitializerData.elementCount(t) * 4 >= SharedInitializers.MIN_BYTES)
        .count();
  }

  @Test
  void anInlineMergedModelSpillsEachWeightOnceForBothDecodersAndDeletesTheFileOnClose() throws IOException {
    DecoderGraphs loaded = graphs(export(TinyModelDirs.weights(Architecture.GPT2), Layout.MERGED,
        WeightStorage.INLINE, "merged"));
    long perGraph = shareable(loaded.withPast().getGraph());
    assertTrue(perGraph > 0);
    Path folder;
    try (SharedInitializers shared = SharedInitializers.load(ENV, loaded)) {
      assertEquals(perGraph, shared.count(), "the two branches of a merged export hold the same weights");
      folder = shared.spillFolder().orElseThrow();
      Path file = folder.resolve(SharedInitializers.SPILL_FILE);
      assertTrue(Files.size(file) >= shared.bytes());
      assertEquals(folder, shared.graphs().weightsFolder());
      for (GraphProto g : new GraphProto[] {shared.graphs().withPast().getGraph(),
          shared.graphs().noPast().orElseThrow().getGraph()}) {
        long external = g.getInitializerList().stream().filter(InitializerData::isExternal).count();
        assertEquals(perGraph, external, "every shared initializer now refers to the spill file");
        g.getInitializerList().stream().filter(InitializerData::isExternal)
            .forEach(t -> assertTrue(t.getRawData().isEmpty(), t.getName()));
      }
    }
    assertFalse(Files.exists(folder), "the spill folder is deleted on close");
  }

  @Test
  void withoutAWritableTemporaryFolderInlineWeightsAreSharedAsCopiesAndTheGraphsStay() throws IOException {
    DecoderGraphs loaded = graphs(export(TinyModelDirs.weights(Architecture.GPT2), Layout.SINGLE,
        WeightStorage.INLINE, "no-temp"));
    Path notAFolder = Files.writeString(root.resolve("not-a-folder"), "x");
    try (SharedInitializers shared = SharedInitializers.load(ENV, loaded, notAFolder)) {
      assertSame(loaded, shared.graphs());
      assertTrue(shared.spillFolder().isEmpty());
      assertEquals(shareable(loaded.withPast().getGraph()), shared.count());
    }
  }

  @Test
  void externalDataIsMappedInPlaceAndTheGraphsStayAsTheyAre() throws IOException {
    DecoderGraphs loaded = graphs(export(TinyModelDirs.weights(Architecture.LLAMA), Layout.SINGLE,
        WeightStorage.EXTERNAL_DATA, "external"));
    try (SharedInitializers shared = SharedInitializers.load(ENV, loaded)) {
      assertSame(loaded, shared.graphs());
      assertTrue(shared.spillFolder().isEmpty());
      assertEquals(shareable(loaded.withPast().getGraph()), shared.count());
    }
  }

  @Test
  void splitDecodersShareOnlyWhenTheirBytesAreEqualNotWhenTheirNamesAre() throws IOException {
    DecoderWeights weights = TinyModelDirs.weights(Architecture.GPT2);
    DecoderGraphs same = graphs(export(weights, Layout.SPLIT, WeightStorage.INLINE, "same"));
    long perGraph = shareable(same.withPast().getGraph());
    try (SharedInitializers shared = SharedInitializers.load(ENV, same)) {
      assertEquals(perGraph, shared.count());
    }
    Path mixed = export(weights, Layout.SPLIT, WeightStorage.INLINE, "mixed");
    Path other = export(DecoderWeights.random(weights.config(), 8), Layout.SPLIT, WeightStorage.INLINE, "other");
    Files.copy(other.resolve(DecoderExporter.NO_PAST_FILE), mixed.resolve(DecoderExporter.NO_PAST_FILE),
        StandardCopyOption.REPLACE_EXISTING);
    try (SharedInitializers shared = SharedInitializers.load(ENV, graphs(mixed))) {
      assertEquals(2 * perGraph, shared.count(), "same names, different values: nothing is shared");
    }
  }

  @Test
  void aTruncatedExternalDataFileIsRefusedWithItsName() throws IOException {
    Path dir = export(TinyModelDirs.weights(Architecture.GPT2), Layout.SINGLE, WeightStorage.EXTERNAL_DATA, "cut");
    Path data = dir.resolve(DecoderExporter.DATA_FILE);
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(data) / 2);
    }
    ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(dir));
    assertTrue(e.getMessage().contains(DecoderExporter.DATA_FILE) && e.getMessage().contains("too short"),
        e.getMessage());
  }
}
