package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.testbed.SentenceTemplate.Slot;
import java.util.List;

/**
 * The entropy of the testbed grammar: the floor for a language model's cross-entropy on its stories.
 *
 * <p>A model scored on a corpus reports total log-loss over total predicted tokens, which tends to
 * {@code H(story) / E[T]} where T is a story's predicted tokens (its words plus {@code <eos>}; see
 * {@link Story#predictedTokens()}). That ratio is the per-token figure given here. Values are in nats
 * (natural log, as PyTorch's cross-entropy); divide by ln 2 for bits.
 */
public final class GrammarEntropy {

  private GrammarEntropy() {}

  /**
   * The exact entropy of a grammar.
   *
   * @param nats H(story) = E[−ln P(story)], in nats per story
   * @param expectedTokens E[T], the expected predicted tokens per story (words plus {@code <eos>})
   */
  public record Exact(double nats, double expectedTokens) {

    /** H(story) / E[T], nats per predicted token. */
    public double natsPerToken() {
      return nats / expectedTokens;
    }

    /** {@link #natsPerToken()} in bits. */
    public double bitsPerToken() {
      return natsPerToken() / Math.log(2);
    }
  }

  /**
   * A sampled estimate of the per-token entropy: the ratio estimator r = Σ a_i / Σ T_i over stories with
   * a_i = −ln P(story_i) and T_i predicted tokens, and its delta-method standard error
   * {@code se = sqrt(Σ (a_i − r·T_i)² / (N(N−1))) / mean(T)}.
   *
   * @param natsPerToken r
   * @param standardError se of r
   * @param stories N
   */
  public record Estimate(double natsPerToken, double standardError, int stories) {

    /** Lower end of the normal 95% confidence interval, r − 1.96·se. */
    public double lower95() {
      return natsPerToken - 1.96 * standardError;
    }

    /** Upper end of the normal 95% confidence interval, r + 1.96·se. */
    public double upper95() {
      return natsPerToken + 1.96 * standardError;
    }
  }

  /**
   * The exact entropy of {@code grammar}. Its derivations are unambiguous (see {@link StoryGrammar}), so
   * H(story) is the entropy of the independent uniform choices:
   *
   * <pre>
   *   H = Σ_F ln|F| + ln|N| + H_O + (E[n] − 1)·H_B,
   *   H_O = ln|O| + mean over openings t of Σ_{slot (F,r) of t} mean over c ∈ F of ln|c.words(r)|
   * </pre>
   *
   * (H_B likewise over bodies), and E[T] = mean opening length + (E[n] − 1)·mean body length + 1.
   */
  public static Exact exact(StoryGrammar grammar) {
    checkNotNull(grammar, "grammar");
    double h = 0;
    for (ConceptFamily f : grammar.families()) {
      h += Math.log(f.concepts().size());
    }
    List<Integer> counts = grammar.sentenceCounts();
    h += Math.log(counts.size());
    double meanCount = counts.stream().mapToInt(Integer::intValue).average().orElseThrow();
    h += sentenceEntropy(grammar, grammar.openings()) + (meanCount - 1) * sentenceEntropy(grammar, grammar.bodies());
    double tokens =
        meanLength(grammar.openings()) + (meanCount - 1) * meanLength(grammar.bodies()) + 1;
    return new Exact(h, tokens);
  }

  private static double sentenceEntropy(StoryGrammar grammar, List<SentenceTemplate> pool) {
    double slotEntropy = 0;
    for (SentenceTemplate t : pool) {
      for (Slot s : t.slots()) {
        ConceptFamily f = grammar.family(s.family());
        slotEntropy +=
            f.concepts().stream().mapToDouble(c -> Math.log(c.words(s.role()).size())).average().orElseThrow();
      }
    }
    return Math.log(pool.size()) + slotEntropy / pool.size();
  }

  private static double meanLength(List<SentenceTemplate> pool) {
    return pool.stream().mapToInt(SentenceTemplate::length).average().orElseThrow();
  }

  /**
   * Estimates the per-token entropy from sampled stories using their exact log-probabilities.
   *
   * @throws IllegalArgumentException if fewer than two stories are given
   */
  public static Estimate estimate(List<Story> stories) {
    checkNotNull(stories, "stories");
    int n = stories.size();
    checkArgument(n >= 2, "an estimate with a standard error needs at least two stories: %s", n);
    double sumA = 0;
    double sumT = 0;
    for (Story s : stories) {
      sumA += -s.logProbability();
      sumT += s.predictedTokens();
    }
    double r = sumA / sumT;
    double sumSq = 0;
    for (Story s : stories) {
      double residual = -s.logProbability() - r * s.predictedTokens();
      sumSq += residual * residual;
    }
    double meanT = sumT / n;
    double se = Math.sqrt(sumSq / ((double) n * (n - 1))) / meanT;
    return new Estimate(r, se, n);
  }
}
