package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrammarEntropyTest {

  /** Two families, two openings, two bodies, one or two sentences: small enough to enumerate. */
  private static final StoryGrammar TINY =
      new StoryGrammar(
          List.of(
              new ConceptFamily("colour", List.of(
                  new Concept("colour", "red", Map.of("c", List.of("red", "crimson"))),
                  new Concept("colour", "blue", Map.of("c", List.of("blue", "navy"))))),
              new ConceptFamily("animal", List.of(
                  new Concept("animal", "cat", Map.of("a", List.of("cat"))),
                  new Concept("animal", "dog", Map.of("a", List.of("dog")))))),
          List.of("hi {colour.c} {animal.a} .", "hello {animal.a} {colour.c} ."),
          List.of("{colour.c} {animal.a} .", "{animal.a} and {colour.c} ."),
          List.of(1, 2));

  /**
   * Every text of one or two sentences built from any template with any colour and animal word in its
   * slots: a superset of the tiny grammar's language, written without the grammar's sampler.
   */
  private static List<String> candidateTexts() {
    List<String> sentences = new ArrayList<>();
    for (String template :
        List.of("hi C A .", "hello A C .", "C A .", "A and C .")) {
      for (String c : List.of("red", "crimson", "blue", "navy")) {
        for (String a : List.of("cat", "dog")) {
          sentences.add(template.replace("C", c).replace("A", a));
        }
      }
    }
    List<String> texts = new ArrayList<>(sentences);
    for (String first : sentences) {
      for (String second : sentences) {
        texts.add(first + " " + second);
      }
    }
    return texts;
  }

  @Test
  void probabilitiesOfDistinctTextsSumToOneSoNoTwoDerivationsShareAText() {
    double total = 0;
    for (String text : candidateTexts()) {
      total += Math.exp(TINY.logProbability(text));
    }
    assertEquals(1.0, total, 1e-12);
  }

  @Test
  void exactEntropyEqualsEntropyOfTheEnumeratedLanguage() {
    double entropy = 0;
    double expectedTokens = 0;
    for (String text : candidateTexts()) {
      double logP = TINY.logProbability(text);
      if (logP > Double.NEGATIVE_INFINITY) {
        entropy -= Math.exp(logP) * logP;
        expectedTokens += Math.exp(logP) * (Words.split(text).size() + 1);
      }
    }
    GrammarEntropy.Exact exact = GrammarEntropy.exact(TINY);
    assertEquals(entropy, exact.nats(), 1e-12);
    assertEquals(expectedTokens, exact.expectedTokens(), 1e-12);
    assertEquals(entropy / expectedTokens, exact.natsPerToken(), 1e-12);
  }

  @Test
  void tinyGrammarEntropyMatchesAHandComputation() {
    // ln 2 + ln 2 (concepts) + ln 2 (count) + [ln 2 (opening) + ln 2 (colour word)] * (1 + 0.5 bodies);
    // tokens: opening 4 words, then half the time a body of mean length (3 + 4) / 2, then <eos>.
    GrammarEntropy.Exact exact = GrammarEntropy.exact(TINY);
    assertEquals(3 * Math.log(2) + 1.5 * 2 * Math.log(2), exact.nats(), 1e-12);
    assertEquals(4 + 0.5 * 3.5 + 1, exact.expectedTokens(), 1e-12);
  }

  @Test
  void sampledStoriesOfTheTinyGrammarAreTheEnumeratedOnes() {
    Set<String> language = new HashSet<>();
    for (String text : candidateTexts()) {
      if (TINY.logProbability(text) > Double.NEGATIVE_INFINITY) {
        language.add(text);
      }
    }
    Random random = new Random(3);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      Story s = TINY.sample(random);
      assertTrue(language.contains(s.text()), s.text());
      seen.add(s.text());
    }
    assertEquals(language, seen); // 144 texts, the rarest at p = 1/256: all seen in 5000 draws
  }

  @Test
  void estimateIsTheRatioOfSummedLogProbabilitiesToSummedTokens() {
    List<Story> stories = Corpus.generate(StoryGrammar.standard(), 5, 0, 500).validation();
    double nats = 0;
    double tokens = 0;
    for (Story s : stories) {
      nats -= s.logProbability();
      tokens += s.predictedTokens();
    }
    assertEquals(nats / tokens, GrammarEntropy.estimate(stories).natsPerToken(), 1e-12);
  }

  @Test
  void estimateStandardErrorMatchesAHandComputation() {
    List<Story> stories = List.of(
        new Story("a .", List.of("a ."), Map.of(), -3.0), // 3 predicted tokens
        new Story("a b .", List.of("a b ."), Map.of(), -6.0), // 4
        new Story("a b c .", List.of("a b c ."), Map.of(), -6.0)); // 5
    GrammarEntropy.Estimate e = GrammarEntropy.estimate(stories);
    // r = 15 / 12; residuals a − r·T = −0.75, 1, −0.25; se = sqrt(1.625 / (3·2)) / mean T (= 4).
    assertEquals(1.25, e.natsPerToken(), 1e-12);
    assertEquals(Math.sqrt(1.625 / 6) / 4, e.standardError(), 1e-12);
    assertEquals(1.25 - 1.96 * e.standardError(), e.lower95(), 1e-12);
    assertEquals(3, e.stories());
  }

  @Test
  void exactEntropyLiesWithinFourStandardErrorsOfTheEstimate() {
    StoryGrammar grammar = StoryGrammar.standard();
    GrammarEntropy.Exact exact = GrammarEntropy.exact(grammar);
    GrammarEntropy.Estimate estimate =
        GrammarEntropy.estimate(Corpus.generate(grammar, 11, 0, 4000).validation());
    assertTrue(estimate.standardError() > 0 && estimate.standardError() < 0.005, estimate.toString());
    assertTrue(
        Math.abs(exact.natsPerToken() - estimate.natsPerToken()) < 4 * estimate.standardError(),
        exact + " vs " + estimate);
  }

  @Test
  void standardGrammarPerTokenEntropyIsReported() {
    StoryGrammar grammar = StoryGrammar.standard();
    String report = CorpusTool.describe(grammar, Corpus.generate(grammar, 1, 0, 10_000));
    System.out.print(report);
    GrammarEntropy.Exact exact = GrammarEntropy.exact(grammar);
    // 3 or 4 sentences: E[n] = 3.5; mean opening 19.33 words, mean body 14.8 words.
    assertEquals(19.0 + 1.0 / 3 + 2.5 * 14.8 + 1, exact.expectedTokens(), 1e-9);
    assertTrue(report.contains(String.format(java.util.Locale.ROOT, "%.5f nats/token", exact.natsPerToken())));
  }

  @Test
  void estimateNeedsTwoStories() {
    assertThrows(IllegalArgumentException.class, () -> GrammarEntropy.estimate(List.of()));
  }
}
