package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import dev.steer.testbed.train.TestbedModelConfig;
import dev.steer.testbed.train.TestbedWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns trained testbed weights into a model directory in Hugging Face Optimum layout ({@code model.onnx},
 * {@code config.json}, {@code generation_config.json}, {@code tokenizer.json}, {@code tokenizer_config.json})
 * through the project's own ONNX exporter, exactly as any exported GPT-2 is laid out.
 *
 * <p>The trainer indexes tokens in {@link StoryGrammar#vocabulary()} order ({@code <pad> <unk> <bos> <eos>}
 * first); the word-level tokenizer file puts its special tokens as {@code <pad> <bos> <eos> <unk>}. The
 * embedding rows (and with them the tied output head) are permuted to the tokenizer's ids, so the exported
 * model computes the same distribution over words.
 */
public final class TestbedExport {
  private TestbedExport() {}

  /** {@code TestbedExport WEIGHTS_FILE OUTPUT_DIR}: exports trained weights as a model directory. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: TestbedExport WEIGHTS_FILE OUTPUT_DIR");
      System.exit(2);
    }
    Path out = export(TestbedWeights.read(Path.of(args[0])), StoryGrammar.standard(), Path.of(args[1]));
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** The tokenizer of the testbed: the grammar's words, {@code <bos>} prepended on encoding. */
  static WordLevelTokenizerJson tokenizer(StoryGrammar grammar) {
    List<String> words = grammar.vocabulary().stream()
        .filter(w -> !StoryGrammar.SPECIAL_TOKENS.contains(w))
        .toList();
    return WordLevelTokenizerJson.of(words, true);
  }

  /** The exporter's GPT-2 configuration for {@code model}, with the tokenizer's BOS/EOS ids. */
  static DecoderConfig decoderConfig(TestbedModelConfig model, WordLevelTokenizerJson tokenizer) {
    return model.decoderConfig(
        tokenizer.id(WordLevelTokenizerJson.BOS), tokenizer.id(WordLevelTokenizerJson.EOS));
  }

  /**
   * Writes the model directory for {@code weights} into {@code dir}.
   *
   * @throws IllegalArgumentException if the weights' vocabulary is not the grammar's
   */
  public static Path export(TestbedWeights weights, StoryGrammar grammar, Path dir) throws IOException {
    List<String> grammarVocab = grammar.vocabulary();
    TestbedModelConfig model = weights.config();
    checkArgument(model.vocabSize() == grammarVocab.size(),
        "the weights have a vocabulary of %s, the grammar of %s", model.vocabSize(), grammarVocab.size());
    WordLevelTokenizerJson tokenizer = tokenizer(grammar);
    Map<String, float[]> tensors = new HashMap<>(weights.tensors());
    float[] wte = tensors.get("transformer.wte.weight");
    int d = model.hiddenSize();
    float[] permuted = new float[wte.length];
    for (int id = 0; id < tokenizer.vocabSize(); id++) {
      int row = grammarVocab.indexOf(tokenizer.tokens().get(id));
      System.arraycopy(wte, row * d, permuted, id * d, d);
    }
    tensors.put("transformer.wte.weight", permuted);
    DecoderConfig config = decoderConfig(model, tokenizer);
    DecoderExporter.export(config, DecoderWeights.of(config, tensors), dir);
    tokenizer.writeTo(dir);
    return dir;
  }
}
