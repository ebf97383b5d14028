package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusToolTest {

  @Test
  void writesVocabularyAndOneStoryPerLine(@TempDir Path dir) throws Exception {
    CorpusTool.main(new String[] {dir.toString(), "7", "30", "5"});
    StoryGrammar grammar = StoryGrammar.standard();
    Corpus expected = Corpus.generate(grammar, 7, 30, 5);
    assertEquals(grammar.vocabulary(), Files.readAllLines(dir.resolve("vocab.txt")));
    assertEquals(Corpus.lines(expected.train()), Files.readAllLines(dir.resolve("train.txt")));
    assertEquals(Corpus.lines(expected.validation()), Files.readAllLines(dir.resolve("validation.txt")));
  }
}
