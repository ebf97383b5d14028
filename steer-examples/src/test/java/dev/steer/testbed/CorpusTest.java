package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusTest {

  private static final StoryGrammar GRAMMAR = StoryGrammar.standard();

  @Test
  void sameSeedGivesSameCorpus() {
    assertEquals(Corpus.generate(GRAMMAR, 3, 200, 20), Corpus.generate(GRAMMAR, 3, 200, 20));
  }

  @Test
  void differentSeedsGiveDifferentCorpora() {
    assertNotEquals(Corpus.generate(GRAMMAR, 3, 200, 20), Corpus.generate(GRAMMAR, 4, 200, 20));
  }

  @Test
  void validationSetDoesNotDependOnTrainingSetSize() {
    assertEquals(
        Corpus.generate(GRAMMAR, 3, 10, 50).validation(), Corpus.generate(GRAMMAR, 3, 1000, 50).validation());
  }

  @Test
  void trainingStoriesAreTheFirstDrawsOfTheSeed() {
    Corpus small = Corpus.generate(GRAMMAR, 3, 10, 0);
    Corpus large = Corpus.generate(GRAMMAR, 3, 100, 0);
    assertEquals(small.train(), large.train().subList(0, 10));
  }

  @Test
  void validationStreamDiffersFromTrainingStream() {
    Corpus c = Corpus.generate(GRAMMAR, 3, 50, 50);
    assertNotEquals(c.train(), c.validation());
  }

  @Test
  void linesAreTheStoryTexts() {
    Corpus c = Corpus.generate(GRAMMAR, 3, 2, 0);
    assertEquals(List.of(c.train().get(0).text(), c.train().get(1).text()), Corpus.lines(c.train()));
  }

  @Test
  void negativeCountsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Corpus.generate(GRAMMAR, 3, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> Corpus.generate(GRAMMAR, 3, 0, -1));
  }
}
