package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.testbed.Concept;
import dev.steer.testbed.Judge;
import dev.steer.testbed.StoryGrammar;
import dev.steer.testbed.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Samples stories from a model and scores them with the grammar: how many end with {@code <eos>}, how
 * many parse as whole stories ({@link StoryGrammar#parse}), and the share of sentences the {@link Judge}
 * calls fluent (parse as a sentence of the grammar and repeat no earlier sentence).
 */
final class SampleQuality {

  private SampleQuality() {}

  /**
   * Counts over the sampled stories.
   *
   * @param stories stories sampled
   * @param finished stories that ended with {@code <eos>} within the model's positions
   * @param parsed finished stories the grammar parses as a whole
   * @param sentences judged sentences (an unfinished last one included)
   * @param fluentSentences sentences the judge calls fluent
   * @param examples the first few sampled texts
   */
  record Report(
      int stories, int finished, int parsed, int sentences, int fluentSentences, List<String> examples) {

    double fluentShare() {
      return sentences == 0 ? 0 : fluentSentences / (double) sentences;
    }

    double parsedShare() {
      return parsed / (double) stories;
    }
  }

  /**
   * Samples {@code n} stories after {@code <bos>} at {@code temperature} (softmax of logits/temperature),
   * each until {@code <eos>} or the last position, drawing from {@code new Random(seed)}.
   */
  static Report sample(
      ReferenceDecoder decoder,
      StoryBatches tokens,
      StoryGrammar grammar,
      int n,
      double temperature,
      long seed) {
    checkArgument(n > 0, "n must be positive: %s", n);
    checkArgument(temperature > 0, "temperature must be positive: %s", temperature);
    Random random = new Random(seed);
    Judge judge = new Judge(grammar);
    Concept anyTarget = grammar.families().get(0).concepts().get(0);
    int eos = tokens.id(StoryBatches.EOS);
    int finished = 0;
    int parsed = 0;
    int sentences = 0;
    int fluent = 0;
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ReferenceDecoder.Session session = decoder.newSession();
      double[] logits = session.next(tokens.id(StoryBatches.BOS));
      List<String> words = new ArrayList<>();
      boolean ended = false;
      while (true) {
        int next = draw(logits, temperature, random);
        if (next == eos) {
          ended = true;
          break;
        }
        words.add(tokens.token(next));
        if (session.length() == decoder.config().maxPositions()) {
          break;
        }
        logits = session.next(next);
      }
      String text = String.join(" ", words);
      if (ended) {
        finished++;
        parsed += grammar.parse(text).isPresent() ? 1 : 0;
      }
      Verdict verdict = judge.score(text, anyTarget);
      sentences += verdict.sentences().size();
      fluent += (int) verdict.sentences().stream().filter(Verdict.SentenceVerdict::fluent).count();
      if (examples.size() < 3) {
        examples.add(text + (ended ? " <eos>" : " …"));
      }
    }
    return new Report(n, finished, parsed, sentences, fluent, examples);
  }

  /** Draws an index with probability softmax(logits / temperature). */
  static int draw(double[] logits, double temperature, Random random) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double[] weights = new double[logits.length];
    double sum = 0;
    for (int v = 0; v < logits.length; v++) {
      weights[v] = Math.exp((logits[v] - max) / temperature);
      sum += weights[v];
    }
    double u = random.nextDouble() * sum;
    for (int v = 0; v < weights.length; v++) {
      u -= weights[v];
      if (u < 0) {
        return v;
      }
    }
    return weights.length - 1;
  }
}
