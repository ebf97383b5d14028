package dev.steer.onnx.runtime;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes small random-weight decoders in Optimum layout, with a word-level tokenizer "w0 … w75". */
final class TinyModelDirs {
  static final int WORDS = 76;

  private TinyModelDirs() {}

  static DecoderConfig config(Architecture architecture) {
    DecoderConfig.Builder b = DecoderConfig.builder(architecture)
        .vocabSize(WORDS + 4)
        .hiddenSize(64)
        .numHeads(4)
        .maxPositions(48)
        .bosTokenId(1)
        .eosTokenId(2);
    switch (architecture) {
      case GPT2 -> b.numLayers(2).intermediateSize(128);
      case LLAMA -> b.numLayers(3).numKvHeads(2).headDim(16).intermediateSize(96);
      case GEMMA2 -> b.numLayers(2).numKvHeads(2).headDim(16).intermediateSize(96).queryPreAttnScalar(32)
          .attnLogitSoftcap(5.0).finalLogitSoftcap(3.0);
    }
    return b.build();
  }

  static DecoderWeights weights(Architecture architecture) {
    return DecoderWeights.random(config(architecture), 7);
  }

  static List<String> words() {
    List<String> w = new ArrayList<>();
    for (int i = 0; i < WORDS; i++) {
      w.add("w" + i);
    }
    return w;
  }

  /** Exports {@code architecture} with a BOS-prepending tokenizer into {@code dir}. */
  static Path write(Architecture architecture, Path dir) throws IOException {
    DecoderExporter.export(config(architecture), weights(architecture), dir);
    WordLevelTokenizerJson.of(words(), true).writeTo(dir);
    return dir;
  }
}
