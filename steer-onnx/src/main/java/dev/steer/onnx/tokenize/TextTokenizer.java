package dev.steer.onnx.tokenize;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} loaded through the DJL binding of the Rust {@code tokenizers}
 * library, with the BOS policy of the model's {@code tokenizer_config.json}.
 *
 * <p><b>Special tokens.</b> {@link #encode} applies the tokenizer's own post-processor (e.g. Llama's
 * {@code <s>} prefix, BERT's {@code [CLS] … [SEP]}), as {@code tokenizer(text)} does in Python. When
 * {@code tokenizer_config.json} says {@code "add_bos_token": true} and the post-processor did not add it,
 * the BOS id is prepended, so exports whose tokenizer.json lacks a template still get the BOS their
 * model was trained with.
 *
 * <p>Thread safety: encoding and decoding may be called from several threads at once (the native
 * tokenizer is immutable); {@link #close()} must not race with them. Owns a native handle: close it.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int vocabSize;
  private final OptionalInt forcedBos;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, OptionalInt forcedBos) {
    this.tokenizer = tokenizer;
    this.vocabSize = vocabSize;
    this.forcedBos = forcedBos;
  }

  /**
   * Loads {@code tokenizer.json} (and {@code tokenizer_config.json} if present) from a model directory,
   * or a tokenizer file given directly.
   *
   * @throws TokenizerException if the file is missing or not a valid tokenizer.json
   */
  public static TextTokenizer open(Path modelDirOrFile) throws TokenizerException {
    checkNotNull(modelDirOrFile, "modelDirOrFile");
    Path file = Files.isDirectory(modelDirOrFile) ? modelDirOrFile.resolve("tokenizer.json") : modelDirOrFile;
    if (!Files.isRegularFile(file)) {
      throw new TokenizerException("tokenizer file not found: " + file
          + " (a model directory needs a Hugging Face tokenizer.json)");
    }
    JsonObject json = readJson(file);
    int vocab = vocabularySize(json, file);
    OptionalInt bos = OptionalInt.empty();
    Path config = file.resolveSibling("tokenizer_config.json");
    if (Files.isRegularFile(config)) {
      bos = bosToForce(readJson(config), json);
    }
    try {
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, Map.of(
          "addSpecialTokens", "true", "truncation", "false", "padding", "false", "maxLength", "-1"));
      return new TextTokenizer(hf, vocab, bos);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** Token ids of {@code text}, with the model's special tokens (see the class comment). */
  public int[] encode(String text) {
    checkNotNull(text, "text");
    Encoding enc = tokenizer.encode(text);
    long[] ids = enc.getIds();
    boolean prepend = forcedBos.isPresent() && (ids.length == 0 || ids[0] != forcedBos.getAsInt());
    int[] out = new int[ids.length + (prepend ? 1 : 0)];
    int k = 0;
    if (prepend) {
      out[k++] = forcedBos.getAsInt();
    }
    for (long id : ids) {
      out[k++] = Math.toIntExact(id);
    }
    return out;
  }

  /** Text of {@code ids}, skipping special tokens. */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  /** Text of {@code ids[from, to)}, skipping special tokens. */
  public String decode(int[] ids, int from, int to) {
    checkArgument(0 <= from && from <= to && to <= ids.length, "bad range [%s, %s) of %s ids", from, to, ids.length);
    long[] l = new long[to - from];
    for (int i = from; i < to; i++) {
      l[i - from] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  /**
   * Number of token ids the tokenizer can produce: one more than the largest id in its vocabulary or
   * added tokens. A model whose embedding has fewer rows cannot run this tokenizer's output.
   */
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  private static JsonObject readJson(Path file) throws TokenizerException {
    try (Reader r = Files.newBufferedReader(file)) {
      JsonElement e = JsonParser.parseReader(r);
      if (!e.isJsonObject()) {
        throw new TokenizerException(file + " is not a JSON object");
      }
      return e.getAsJsonObject();
    } catch (IOException | JsonParseException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static int vocabularySize(JsonObject json, Path file) throws TokenizerException {
    int max = -1;
    JsonElement model = json.get("model");
    if (model != null && model.isJsonObject() && model.getAsJsonObject().has("vocab")) {
      JsonElement vocab = model.getAsJsonObject().get("vocab");
      if (vocab.isJsonObject()) { // WordLevel, WordPiece, BPE: token -> id
        for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
          max = Math.max(max, e.getValue().getAsInt());
        }
      } else if (vocab.isJsonArray()) { // Unigram: [[piece, score], ...]
        max = Math.max(max, vocab.getAsJsonArray().size() - 1);
      }
    }
    JsonElement added = json.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (JsonElement t : added.getAsJsonArray()) {
        max = Math.max(max, t.getAsJsonObject().get("id").getAsInt());
      }
    }
    if (max < 0) {
      throw new TokenizerException(file + " has no vocabulary (model.vocab and added_tokens are empty)");
    }
    return max + 1;
  }

  private static OptionalInt bosToForce(JsonObject config, JsonObject tokenizerJson) {
    JsonElement add = config.get("add_bos_token");
    JsonElement bos = config.get("bos_token");
    if (add == null || !add.isJsonPrimitive() || !add.getAsBoolean() || bos == null) {
      return OptionalInt.empty();
    }
    String bosText = bos.isJsonObject() ? bos.getAsJsonObject().get("content").getAsString() : bos.getAsString();
    JsonElement added = tokenizerJson.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (JsonElement t : added.getAsJsonArray()) {
        JsonObject o = t.getAsJsonObject();
        if (bosText.equals(o.get("content").getAsString())) {
          return OptionalInt.of(o.get("id").getAsInt());
        }
      }
    }
    return OptionalInt.empty();
  }
}
