package dev.steer.examples;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A random-weight GPT-2-shaped decoder (2 blocks, hidden size 32) with a word-level tokenizer over
 * "w0 … w39", exported the way Optimum lays out a model directory. Small enough that tests take seconds.
 */
public final class TinyModel {
  public static final int LAYERS = 2;
  public static final int HIDDEN = 32;
  public static final int WORDS = 40;

  private TinyModel() {}

  /** Exports the model into {@code dir} (created if needed) and returns it. */
  public static Path write(Path dir) throws IOException {
    DecoderConfig config = DecoderConfig.builder(Architecture.GPT2)
        .vocabSize(WORDS + 4)
        .hiddenSize(HIDDEN)
        .numHeads(4)
        .numLayers(LAYERS)
        .intermediateSize(64)
        .maxPositions(64)
        .bosTokenId(1)
        .eosTokenId(2)
        .build();
    DecoderExporter.export(config, DecoderWeights.random(config, 11), dir);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < WORDS; i++) {
      words.add("w" + i);
    }
    WordLevelTokenizerJson.of(words, true).writeTo(dir);
    return dir;
  }
}
