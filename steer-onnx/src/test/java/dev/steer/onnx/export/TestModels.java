package dev.steer.onnx.export;

/** Small configurations of each architecture used across the export tests. */
final class TestModels {
  private TestModels() {}

  static final int VOCAB = 80;

  /** hidden 64, 4 heads; Llama and Gemma-2 with 2 kv heads, 3 layers for Llama, Gemma-2 with soft-caps. */
  static DecoderConfig config(Architecture architecture) {
    return builder(architecture).build();
  }

  /** The builder of {@link #config}, for variations of it. */
  static DecoderConfig.Builder builder(Architecture architecture) {
    DecoderConfig.Builder b =
        DecoderConfig.builder(architecture)
            .vocabSize(VOCAB)
            .hiddenSize(64)
            .numHeads(4)
            .maxPositions(32)
            .bosTokenId(1)
            .eosTokenId(2);
    switch (architecture) {
      case GPT2 -> b.numLayers(2).intermediateSize(256);
      case LLAMA -> b.numLayers(3).numKvHeads(2).headDim(16).intermediateSize(128);
      case GEMMA2 ->
          b.numLayers(2)
              .numKvHeads(2)
              .headDim(16)
              .intermediateSize(128)
              .queryPreAttnScalar(32)
              .attnLogitSoftcap(5.0)
              .finalLogitSoftcap(3.0);
    }
    return b;
  }

  static DecoderWeights weights(Architecture architecture) {
    return DecoderWeights.random(config(architecture), 42);
  }
}
