package dev.steer.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordLevelTokenizerJsonTest {

  private static final List<String> WORDS = List.of("the", "cat", "sat", "on", "mat", ".");

  @TempDir Path dir;

  private HuggingFaceTokenizer load(boolean prependBos) throws Exception {
    WordLevelTokenizerJson.of(WORDS, prependBos).writeTo(dir);
    return HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"));
  }

  @Test
  void specialTokensTakeTheFirstFourIdsAndWordsFollowInOrder() {
    WordLevelTokenizerJson t = WordLevelTokenizerJson.of(WORDS, true);
    assertEquals(
        List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", "cat", "sat", "on", "mat", "."), t.tokens());
    assertEquals(10, t.vocabSize());
    assertEquals(5, t.id("cat"));
  }

  @Test
  void huggingFaceTokenizerEncodesWordsWithBosFirst() throws Exception {
    try (HuggingFaceTokenizer tokenizer = load(true)) {
      Encoding e = tokenizer.encode("the cat sat on the mat.");
      assertArrayEquals(new long[] {1, 4, 5, 6, 7, 4, 8, 9}, e.getIds());
      assertArrayEquals(
          new String[] {"<bos>", "the", "cat", "sat", "on", "the", "mat", "."}, e.getTokens());
    }
  }

  @Test
  void unknownWordsBecomeUnk() throws Exception {
    try (HuggingFaceTokenizer tokenizer = load(true)) {
      assertArrayEquals(new long[] {1, 4, 3, 6}, tokenizer.encode("the dog sat").getIds());
    }
  }

  @Test
  void withoutBosTheEncodingIsJustTheWords() throws Exception {
    try (HuggingFaceTokenizer tokenizer = load(false)) {
      assertArrayEquals(new long[] {4, 5}, tokenizer.encode("the cat").getIds());
    }
  }

  @Test
  void decodingJoinsWordsWithSpacesAndCanSkipSpecialTokens() throws Exception {
    try (HuggingFaceTokenizer tokenizer = load(true)) {
      long[] ids = {1, 4, 5, 6, 2};
      assertEquals("the cat sat", tokenizer.decode(ids, true));
      assertEquals("<bos> the cat sat <eos>", tokenizer.decode(ids, false));
    }
  }

  @Test
  void rejectsAWordTheWhitespacePreTokenizerWouldSplit() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WordLevelTokenizerJson.of(List.of("don't"), true));
    assertTrue(e.getMessage().contains("don't"), e.getMessage());
  }

  @Test
  void rejectsDuplicateAndSpecialWords() {
    assertThrows(
        IllegalArgumentException.class, () -> WordLevelTokenizerJson.of(List.of("a", "a"), true));
    assertThrows(
        IllegalArgumentException.class, () -> WordLevelTokenizerJson.of(List.of("<eos>"), true));
  }
}
