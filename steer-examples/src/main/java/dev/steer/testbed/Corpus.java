package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Random;

/**
 * A seeded training corpus and a held-out validation set of stories from one grammar. Immutable.
 *
 * <p>The training stories are the first draws of {@code new Random(seed)}; the validation stories are
 * drawn from a second, derived stream, so they do not change when the training set grows. The sets
 * are independent samples, not disjoint ones (a short story may, rarely, occur in both), which is what
 * an unbiased estimate of the validation cross-entropy needs.
 *
 * @param train the training stories
 * @param validation the validation stories
 */
public record Corpus(List<Story> train, List<Story> validation) {

  /** Copies. */
  public Corpus {
    train = ImmutableList.copyOf(train);
    validation = ImmutableList.copyOf(validation);
  }

  /**
   * Draws {@code trainStories} and {@code validationStories} stories from {@code grammar}; the same
   * arguments always give the same corpus.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public static Corpus generate(
      StoryGrammar grammar, long seed, int trainStories, int validationStories) {
    checkNotNull(grammar, "grammar");
    checkArgument(trainStories >= 0, "trainStories must be non-negative: %s", trainStories);
    checkArgument(validationStories >= 0, "validationStories must be non-negative: %s", validationStories);
    return new Corpus(
        draw(grammar, new Random(seed), trainStories),
        draw(grammar, new Random(validationSeed(seed)), validationStories));
  }

  /** One story text per entry, in the corpus format: the lines of a corpus file. */
  public static List<String> lines(List<Story> stories) {
    return stories.stream().map(Story::text).collect(ImmutableList.toImmutableList());
  }

  private static List<Story> draw(StoryGrammar grammar, Random random, int n) {
    ImmutableList.Builder<Story> stories = ImmutableList.builderWithExpectedSize(n);
    for (int i = 0; i < n; i++) {
      stories.add(grammar.sample(random));
    }
    return stories.build();
  }

  private static long validationSeed(long seed) {
    // A fixed odd multiplier (the 64-bit golden ratio) sends nearby seeds to unrelated streams.
    return seed * 0x9E3779B97F4A7C15L + 0x5EED;
  }
}
