package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * The {@link Judge}'s ground-truth assessment of one generated text for one target concept. Immutable.
 *
 * @param target the concept steered towards
 * @param conceptScore share of judged sentences that hold a word of {@code target}, in [0, 1]
 * @param fluency share of judged sentences that are grammatical and not repeats, in [0, 1]
 * @param label the outcome class derived from the two scores and the judge's thresholds
 * @param sentences one entry per judged sentence, in text order
 */
public record Verdict(
    Concept target, double conceptScore, double fluency, Label label, List<SentenceVerdict> sentences) {

  /** Validates and copies. */
  public Verdict {
    checkNotNull(target, "target");
    checkNotNull(label, "label");
    checkArgument(conceptScore >= 0 && conceptScore <= 1, "conceptScore not in [0, 1]: %s", conceptScore);
    checkArgument(fluency >= 0 && fluency <= 1, "fluency not in [0, 1]: %s", fluency);
    sentences = ImmutableList.copyOf(sentences);
  }

  /** Outcome of a steered generation, as in Fan et al.'s three steerability classes. */
  public enum Label {
    /** Fluent, but the target concept is not (sufficiently) present: steer harder. */
    UNDER_STEER,
    /** Fluent and the target concept is present. */
    SUCCESS,
    /** Fluency broken: ungrammatical, degenerate (repeats) or empty, whatever the concept score. */
    OVER_STEER
  }

  /** Why a sentence is not fluent. */
  public enum Problem {
    /** The sentence is fluent. */
    NONE,
    /** A token is not in the grammar's vocabulary (special tokens included). */
    UNKNOWN_WORD,
    /** The sequence of word classes matches no sentence template. */
    NO_TEMPLATE,
    /** The words of one family come from two concepts (e.g. "happy" and "angry"). */
    MIXED_CONCEPTS,
    /** The sentence repeats an earlier sentence of the text word for word. */
    REPEATED_SENTENCE,
    /** The text ends in an unfinished sentence that no grammatical sentence begins with. */
    NOT_A_SENTENCE_PREFIX
  }

  /**
   * The judgement of one sentence.
   *
   * @param text the sentence's words joined by spaces (prompt words included)
   * @param complete whether it ends with {@code "."}; the last sentence of a text may be unfinished
   * @param expressesTarget whether its generated part holds a word of the target concept
   * @param problem {@link Problem#NONE} iff the sentence is fluent
   */
  public record SentenceVerdict(
      String text, boolean complete, boolean expressesTarget, Problem problem) {

    /** Validates. */
    public SentenceVerdict {
      checkNotNull(text, "text");
      checkNotNull(problem, "problem");
    }

    /** Whether the sentence parses under the grammar and is not a repeat. */
    public boolean fluent() {
      return problem == Problem.NONE;
    }
  }
}
