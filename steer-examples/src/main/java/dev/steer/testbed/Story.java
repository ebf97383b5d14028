package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;

/**
 * One story of the testbed grammar: its text in the corpus format (lowercase words and punctuation
 * separated by single spaces, no special tokens), its sentences, the concept chosen for every family,
 * and its exact log-probability under the grammar. Immutable.
 *
 * @param text the whole story, e.g. {@code "once upon a time , ... . then the baker ... ."}
 * @param sentences the sentences of {@code text}, each ending with {@code "."}
 * @param concepts family name to the concept the story carries, in the grammar's family order
 * @param logProbability {@code ln P(story)} in nats, summed over the story's (single) derivation
 */
public record Story(
    String text, List<String> sentences, Map<String, Concept> concepts, double logProbability) {

  /** Validates and copies. */
  public Story {
    checkNotNull(text, "text");
    sentences = ImmutableList.copyOf(sentences);
    concepts = ImmutableMap.copyOf(concepts);
    checkArgument(
        logProbability <= 0 && !Double.isNaN(logProbability),
        "logProbability must be a log-probability (<= 0): %s", logProbability);
    checkArgument(
        text.equals(String.join(" ", sentences)),
        "text must be its sentences joined by spaces: %s vs %s", text, sentences);
  }

  /** The story's words (tokens of the corpus format, without special tokens). */
  public List<String> words() {
    return Splitter.on(' ').splitToList(text);
  }

  /**
   * The number of tokens a language model predicts for this story: its words plus the closing
   * {@code <eos>} ({@code <bos>} is given, not predicted).
   */
  public int predictedTokens() {
    return words().size() + 1;
  }

  /** The concept this story carries in {@code family}. */
  public Concept concept(String family) {
    Concept c = concepts.get(family);
    checkArgument(c != null, "no family %s; families: %s", family, concepts.keySet());
    return c;
  }
}
