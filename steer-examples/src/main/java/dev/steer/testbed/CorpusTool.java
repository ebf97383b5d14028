package dev.steer.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the testbed corpus of {@link StoryGrammar#standard()} and prints its entropy floor.
 *
 * <p>Usage: {@code CorpusTool <outDir> [seed=1] [trainStories=200000] [validationStories=10000]}.
 * Writes {@code vocab.txt} (one token per line, line i = id i), {@code train.txt} and
 * {@code validation.txt} (one story per line, words separated by single spaces).
 */
public final class CorpusTool {

  private CorpusTool() {}

  /** Runs the tool; see the class Javadoc. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 4) {
      System.err.println("usage: CorpusTool <outDir> [seed] [trainStories] [validationStories]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int train = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
    int validation = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;

    StoryGrammar grammar = StoryGrammar.standard();
    Corpus corpus = Corpus.generate(grammar, seed, train, validation);
    Files.createDirectories(out);
    Files.write(out.resolve("vocab.txt"), grammar.vocabulary(), StandardCharsets.UTF_8);
    Files.write(out.resolve("train.txt"), Corpus.lines(corpus.train()), StandardCharsets.UTF_8);
    Files.write(out.resolve("validation.txt"), Corpus.lines(corpus.validation()), StandardCharsets.UTF_8);
    System.out.println(describe(grammar, corpus));
  }

  static String describe(StoryGrammar grammar, Corpus corpus) {
    GrammarEntropy.Exact exact = GrammarEntropy.exact(grammar);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "vocabulary: %d tokens%n", grammar.vocabulary().size()));
    s.append(
        String.format(
            Locale.ROOT,
            "exact entropy: %.4f nats/story, E[tokens incl. <eos>] = %.4f, %.5f nats/token (%.5f bits)%n",
            exact.nats(), exact.expectedTokens(), exact.natsPerToken(), exact.bitsPerToken()));
    if (corpus.validation().size() >= 2) {
      GrammarEntropy.Estimate est = GrammarEntropy.estimate(corpus.validation());
      s.append(
          String.format(
              Locale.ROOT,
              "validation estimate: %.5f ± %.5f nats/token (95%% CI %.5f..%.5f, %d stories)%n",
              est.natsPerToken(), est.standardError(), est.lower95(), est.upper95(), est.stories()));
    }
    return s.toString();
  }
}
