package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderExporter.Layout;
import dev.steer.onnx.export.DecoderExporter.WeightStorage;
import dev.steer.onnx.export.DecoderWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A merged export splits into the two standalone decoders that the split export writes. */
class MergedDecoderSplitterTest {
  @TempDir static Path root;
  private static MergedDecoderSplitter.Split split;
  private static ModelProto noPastFile;
  private static ModelProto withPastFile;

  @BeforeAll
  static void export() throws Exception {
    DecoderWeights w = TinyModelDirs.weights(Architecture.LLAMA);
    DecoderExporter.export(w.config(), w, root.resolve("merged"), Layout.MERGED, WeightStorage.INLINE);
    DecoderExporter.export(w.config(), w, root.resolve("split"), Layout.SPLIT, WeightStorage.INLINE);
    Path merged = root.resolve("merged").resolve(DecoderExporter.MERGED_FILE);
    split = MergedDecoderSplitter.split(ModelProto.parseFrom(Files.readAllBytes(merged)), merged);
    noPastFile = ModelProto.parseFrom(Files.readAllBytes(root.resolve("split").resolve(DecoderExporter.NO_PAST_FILE)));
    withPastFile = ModelProto.parseFrom(Files.readAllBytes(
        root.resolve("split").resolve(DecoderExporter.WITH_PAST_FILE)));
  }

  private static List<String> inputs(ModelProto m) {
    return m.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList();
  }

  private static Set<String> initializers(ModelProto m) {
    Set<String> s = new HashSet<>();
    m.getGraph().getInitializerList().stream().map(TensorProto::getName).forEach(s::add);
    return s;
  }

  @Test
  void eachHalfTakesTheInputsOfTheMatchingSplitFileWithoutTheBranchFlag() {
    assertEquals(inputs(withPastFile), inputs(split.withPast()));
    assertEquals(inputs(noPastFile), inputs(split.noPast()));
  }

  @Test
  void eachHalfKeepsExactlyTheInitializersItsNodesRead() {
    assertEquals(initializers(withPastFile), initializers(split.withPast()));
    assertEquals(initializers(noPastFile), initializers(split.noPast()));
  }

  @Test
  void eachHalfIsTheBranchNodesInlinedWithNoIfLeft() {
    for (ModelProto half : List.of(split.withPast(), split.noPast())) {
      GraphProto g = half.getGraph();
      assertFalse(g.getNodeList().stream().anyMatch(n -> n.getOpType().equals("If")));
      assertEquals(List.of("logits"), g.getNodeList().stream().flatMap(n -> n.getOutputList().stream())
          .filter(o -> o.equals("logits")).toList(), "one producer of logits");
    }
    assertEquals(withPastFile.getGraph().getNodeCount(), split.withPast().getGraph().getNodeCount());
    assertEquals(noPastFile.getGraph().getNodeCount(), split.noPast().getGraph().getNodeCount());
    assertTrue(split.noPast().getGraph().getNodeList().stream().map(NodeProto::getInputList)
        .flatMap(List::stream).noneMatch(i -> i.startsWith("past_key_values")));
  }
}
