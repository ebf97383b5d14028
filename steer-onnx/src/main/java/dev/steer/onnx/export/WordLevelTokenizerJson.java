package dev.steer.onnx.export;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Hugging Face {@code tokenizer.json} with a WordLevel model, for small test and testbed models: one id
 * per whole word, the {@code Whitespace} pre-tokenizer (text splits into runs of word characters and runs
 * of punctuation, {@code \w+|[^\w\s]+}), and the special tokens {@value #PAD} = 0, {@value #BOS} = 1,
 * {@value #EOS} = 2, {@value #UNK} = 3 (unknown words) as added tokens; the given words follow from id 4
 * in order. When {@code prependBos} is set, a TemplateProcessing post-processor puts {@value #BOS} before
 * every encoded sequence. There is no decoder, so decoding joins tokens with single spaces.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordLevelTokenizerJson {

  private static final Gson JSON =
      new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

  /** Padding token, id 0. */
  public static final String PAD = "<pad>";

  /** Beginning-of-sequence token, id 1. */
  public static final String BOS = "<bos>";

  /** End-of-sequence token, id 2. */
  public static final String EOS = "<eos>";

  /** Unknown-word token, id 3. */
  public static final String UNK = "<unk>";

  private static final List<String> SPECIALS = List.of(PAD, BOS, EOS, UNK);

  /** One pre-token of the Whitespace pre-tokenizer; Rust's \w is Unicode-aware, so Java's must be too. */
  private static final Pattern PRE_TOKEN =
      Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

  private final ImmutableMap<String, Integer> vocab;
  private final boolean prependBos;

  private WordLevelTokenizerJson(ImmutableMap<String, Integer> vocab, boolean prependBos) {
    this.vocab = vocab;
    this.prependBos = prependBos;
  }

  /**
   * A tokenizer whose vocabulary is the four special tokens followed by {@code words}.
   *
   * @param words distinct words, each a single pre-token (all word characters, or all punctuation)
   * @param prependBos whether encoding puts {@value #BOS} first
   * @throws IllegalArgumentException naming a duplicate, special, empty or unsplittable word
   */
  public static WordLevelTokenizerJson of(List<String> words, boolean prependBos) {
    checkNotNull(words, "words");
    ImmutableMap.Builder<String, Integer> b = ImmutableMap.builder();
    for (int i = 0; i < SPECIALS.size(); i++) {
      b.put(SPECIALS.get(i), i);
    }
    java.util.Set<String> seen = new java.util.HashSet<>(SPECIALS);
    int id = SPECIALS.size();
    for (String word : words) {
      checkNotNull(word, "null word at index %s", id - SPECIALS.size());
      checkArgument(
          PRE_TOKEN.matcher(word).matches(),
          "word '%s' is not one pre-token: expected only word characters or only punctuation, no"
              + " spaces",
          word);
      checkArgument(seen.add(word), "word '%s' is listed twice or is a special token", word);
      b.put(word, id++);
    }
    return new WordLevelTokenizerJson(b.buildOrThrow(), prependBos);
  }

  /** Number of ids, special tokens included. */
  public int vocabSize() {
    return vocab.size();
  }

  /**
   * The id of {@code token}.
   *
   * @throws IllegalArgumentException if the token is not in the vocabulary
   */
  public int id(String token) {
    Integer id = vocab.get(token);
    checkArgument(id != null, "'%s' is not in the vocabulary", token);
    return id;
  }

  /** All tokens in id order. */
  public ImmutableList<String> tokens() {
    return vocab.keySet().asList();
  }

  /** The {@code tokenizer.json} text. */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", JsonNull.INSTANCE);
    root.add("padding", JsonNull.INSTANCE);
    JsonArray added = new JsonArray();
    for (String special : SPECIALS) {
      JsonObject t = new JsonObject();
      t.addProperty("id", vocab.get(special));
      t.addProperty("content", special);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    root.add("normalizer", JsonNull.INSTANCE);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "Whitespace");
    root.add("pre_tokenizer", pre);
    root.add("post_processor", prependBos ? bosTemplate() : JsonNull.INSTANCE);
    root.add("decoder", JsonNull.INSTANCE);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordLevel");
    JsonObject vocabJson = new JsonObject();
    vocab.forEach(vocabJson::addProperty);
    model.add("vocab", vocabJson);
    model.addProperty("unk_token", UNK);
    root.add("model", model);
    return JSON.toJson(root) + "\n";
  }

  /**
   * The {@code tokenizer_config.json} text for Hugging Face's {@code AutoTokenizer}
   * (PreTrainedTokenizerFast with these special tokens).
   */
  public String toTokenizerConfigJson() {
    JsonObject o = new JsonObject();
    o.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
    o.addProperty("bos_token", BOS);
    o.addProperty("eos_token", EOS);
    o.addProperty("pad_token", PAD);
    o.addProperty("unk_token", UNK);
    o.addProperty("add_bos_token", prependBos);
    return JSON.toJson(o) + "\n";
  }

  /**
   * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed).
   *
   * @throws IOException if a file cannot be written
   */
  public void writeTo(Path dir) throws IOException {
    checkNotNull(dir, "dir");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tokenizer.json"), toJson(), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("tokenizer_config.json"), toTokenizerConfigJson(), StandardCharsets.UTF_8);
  }

  private JsonObject bosTemplate() {
    JsonObject p = new JsonObject();
    p.addProperty("type", "TemplateProcessing");
    p.add("single", template("A"));
    JsonArray pair = template("A");
    pair.addAll(sequence("B", 1));
    p.add("pair", pair);
    JsonObject specials = new JsonObject();
    JsonObject bos = new JsonObject();
    bos.addProperty("id", BOS);
    JsonArray ids = new JsonArray();
    ids.add(vocab.get(BOS));
    bos.add("ids", ids);
    JsonArray tokens = new JsonArray();
    tokens.add(BOS);
    bos.add("tokens", tokens);
    specials.add(BOS, bos);
    p.add("special_tokens", specials);
    return p;
  }

  /** [BOS, sequence]. */
  private static JsonArray template(String sequenceId) {
    JsonArray a = new JsonArray();
    JsonObject special = new JsonObject();
    JsonObject body = new JsonObject();
    body.addProperty("id", BOS);
    body.addProperty("type_id", 0);
    special.add("SpecialToken", body);
    a.add(special);
    a.addAll(sequence(sequenceId, 0));
    return a;
  }

  private static JsonArray sequence(String id, int typeId) {
    JsonArray a = new JsonArray();
    JsonObject seq = new JsonObject();
    JsonObject body = new JsonObject();
    body.addProperty("id", id);
    body.addProperty("type_id", typeId);
    seq.add("Sequence", body);
    a.add(seq);
    return a;
  }
}
