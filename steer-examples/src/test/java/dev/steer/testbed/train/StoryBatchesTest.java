package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steer.testbed.Story;
import dev.steer.testbed.StoryGrammar;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoryBatchesTest {

  private static final StoryGrammar GRAMMAR = StoryGrammar.standard();
  private static final List<String> VOCAB = GRAMMAR.vocabulary();

  @Test
  void encodesBosWordsEosAsVocabularyIndices() {
    Story story = GRAMMAR.sample(new Random(1));
    int[] ids = new StoryBatches(VOCAB, 80).encode(story);
    assertEquals(story.predictedTokens() + 1, ids.length);
    assertEquals("<bos>", VOCAB.get(ids[0]));
    assertEquals("<eos>", VOCAB.get(ids[ids.length - 1]));
    for (int i = 0; i < story.words().size(); i++) {
      assertEquals(story.words().get(i), VOCAB.get(ids[i + 1]));
    }
  }

  @Test
  void batchPredictsEveryTokenAfterBosAndNothingInThePadding() {
    StoryBatches batches = new StoryBatches(VOCAB, 5);
    int bos = batches.id("<bos>");
    int eos = batches.id("<eos>");
    int pad = batches.id("<pad>");
    int w = batches.id(".");
    StoryBatches.Batch batch = batches.batch(List.of(new int[] {bos, w, w, eos}));
    assertArrayEquals(new int[] {bos, w, w, pad, pad}, batch.tokens().toIntVector());
    assertEquals(3, batch.predicted());
    assertEquals(3.0, batch.targets().sumNumber().doubleValue());
    assertEquals(1.0, batch.targets().getDouble(0, w));
    assertEquals(1.0, batch.targets().getDouble(1, w));
    assertEquals(1.0, batch.targets().getDouble(2, eos));
    assertEquals(0.0, batch.targets().getRow(3).sumNumber().doubleValue());
  }

  @Test
  void rejectsAStoryLongerThanTheWindow() {
    StoryBatches batches = new StoryBatches(VOCAB, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> batches.batch(List.of(new int[] {2, 5, 5, 3})));
    assertEquals("story of 4 tokens needs 3 positions, window has 2", e.getMessage());
  }
}
