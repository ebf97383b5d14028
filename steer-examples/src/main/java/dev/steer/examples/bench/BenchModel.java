package dev.steer.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The size of a random-weight benchmark decoder and how to write it in Optimum layout with a word-level
 * tokenizer {@code w0 … w(V−5)}.
 *
 * <p>The EOS row of the unembedding is zeroed, so the EOS logit is exactly 0 at every step; with V in the
 * thousands some other logit is positive, so greedy decoding never picks EOS and every compared run
 * generates the same number of tokens (the harness checks the lengths as well).
 *
 * @param architecture GPT-2 or Llama layout
 * @param hidden residual width d
 * @param layers transformer blocks
 * @param vocab vocabulary size V (4 special tokens plus words)
 * @param context maximum positions
 */
record BenchModel(Architecture architecture, int hidden, int layers, int vocab, int context) {

  static final int EOS = 2;
  private static final int HEAD_DIM = 64;

  BenchModel {
    checkArgument(architecture == Architecture.GPT2 || architecture == Architecture.LLAMA,
        "only GPT2 and LLAMA benchmark models are defined: %s", architecture);
    checkArgument(hidden % HEAD_DIM == 0 || hidden < HEAD_DIM, "hidden must be a multiple of %s: %s", HEAD_DIM,
        hidden);
    checkArgument(vocab > 8, "vocab must exceed the 4 special tokens by a few words: %s", vocab);
  }

  /** The decoder configuration: heads of width 64 (or one head when d &lt; 64), Llama with 3:1 GQA when possible. */
  DecoderConfig config() {
    int heads = Math.max(1, hidden / HEAD_DIM);
    DecoderConfig.Builder b = DecoderConfig.builder(architecture)
        .vocabSize(vocab)
        .hiddenSize(hidden)
        .numLayers(layers)
        .numHeads(heads)
        .maxPositions(context)
        .bosTokenId(1)
        .eosTokenId(EOS);
    if (architecture == Architecture.GPT2) {
      b.intermediateSize(4 * hidden);
    } else {
      int kv = heads % 3 == 0 ? heads / 3 : heads % 2 == 0 ? heads / 2 : heads;
      b.numKvHeads(kv).headDim(hidden / heads).intermediateSize((8 * hidden / 3 + 63) / 64 * 64);
    }
    return b.build();
  }

  /** Word {@code i} of the tokenizer (token id i + 4). */
  static String word(int i) {
    return "w" + i;
  }

  /** Exports weights (seeded), config and tokenizer into {@code dir}; returns {@code dir}. */
  Path write(Path dir, long seed) throws IOException {
    DecoderConfig config = config();
    DecoderWeights random = DecoderWeights.random(config, seed);
    Map<String, float[]> tensors = new HashMap<>();
    for (String name : random.names()) {
      tensors.put(name, random.get(name));
    }
    String unembedding = architecture == Architecture.GPT2 ? "transformer.wte.weight"
        : tensors.containsKey("lm_head.weight") ? "lm_head.weight" : "model.embed_tokens.weight";
    java.util.Arrays.fill(tensors.get(unembedding), EOS * hidden, (EOS + 1) * hidden, 0f);
    DecoderExporter.export(config, DecoderWeights.of(config, tensors), dir);
    List<String> words = new ArrayList<>();
    for (int i = 0; i < vocab - 4; i++) {
      words.add(word(i));
    }
    WordLevelTokenizerJson.of(words, true).writeTo(dir);
    return dir;
  }

  /** Size of the float32 weights in MiB. */
  double weightMib() {
    long n = 0;
    for (java.util.List<Integer> shape : DecoderWeights.expectedShapes(config()).values()) {
      long e = 1;
      for (int d : shape) {
        e *= d;
      }
      n += e;
    }
    return n * 4 / (1024.0 * 1024.0);
  }

  @Override
  public String toString() {
    return architecture + " d=" + hidden + " L=" + layers + " V=" + vocab + " ctx=" + context;
  }
}
