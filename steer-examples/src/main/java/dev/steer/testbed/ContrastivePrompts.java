package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The testbed's prompt set: concept-free prefixes to start steered generations from, and seeded
 * contrastive story pairs (concept X vs another concept of X's family, all else equal) to extract
 * steering vectors from.
 *
 * <p>For evaluation, steer a generation from a {@link #NEUTRAL_PREFIXES neutral prefix}, or, harder,
 * from the first sentence of a pair's {@code negative} story (the model then has to leave the concept
 * the prompt set up), and judge it with {@link Judge#score(String, String, Concept)}.
 */
public final class ContrastivePrompts {

  /**
   * Story beginnings that hold no concept word; each begins some opening sentence of
   * {@link StoryGrammar#standard()}.
   */
  public static final List<String> NEUTRAL_PREFIXES =
      List.of("once upon a time ,", "once upon a time , at", "once upon a time , the", "once upon a time in");

  /**
   * The concepts of {@link StoryGrammar#standard()} that the testbed steers towards: two sentiments and
   * one concept of each other family except tense.
   */
  public static final List<String> STEERING_TARGETS =
      List.of("joyful", "angry", "sports", "london", "formal", "night", "sailor", "red");

  private ContrastivePrompts() {}

  /**
   * {@code count} contrastive pairs for {@code target}: each draws a story derivation from the seeded
   * stream, then a negative concept uniformly among the other concepts of the target's family, and
   * renders the derivation with each. Deterministic in ({@code seed}, target name, {@code count}).
   *
   * @throws IllegalArgumentException if {@code target} is not a concept of {@code grammar} or
   *     {@code count} is negative
   */
  public static List<ContrastivePair> pairs(
      StoryGrammar grammar, Concept target, int count, long seed) {
    checkNotNull(grammar, "grammar");
    checkNotNull(target, "target");
    checkArgument(grammar.hasConcept(target), "target %s is not a concept of the grammar", target);
    checkArgument(count >= 0, "count must be non-negative: %s", count);
    List<Concept> others =
        grammar.family(target.family()).concepts().stream()
            .filter(c -> !c.equals(target))
            .collect(ImmutableList.toImmutableList());
    // String.hashCode is specified, so the stream per concept is the same on every JVM.
    Random random = new Random(seed * 31 + target.name().hashCode());
    ImmutableList.Builder<ContrastivePair> pairs = ImmutableList.builderWithExpectedSize(count);
    double[] ignoredLogP = {0};
    for (int i = 0; i < count; i++) {
      Derivation d = grammar.sampleDerivation(random, ignoredLogP);
      Concept negative = others.get(random.nextInt(others.size()));
      pairs.add(
          new ContrastivePair(
              target, negative, grammar.render(d.withConcept(target)), grammar.render(d.withConcept(negative))));
    }
    return pairs.build();
  }

  /** {@code count} pairs for each of {@link #STEERING_TARGETS}, in that order, from the standard grammar. */
  public static Map<Concept, List<ContrastivePair>> standardSet(int count, long seed) {
    StoryGrammar grammar = StoryGrammar.standard();
    ImmutableMap.Builder<Concept, List<ContrastivePair>> set = ImmutableMap.builder();
    for (String name : STEERING_TARGETS) {
      Concept c = grammar.concept(name);
      set.put(c, pairs(grammar, c, count, seed));
    }
    return set.buildOrThrow();
  }
}
