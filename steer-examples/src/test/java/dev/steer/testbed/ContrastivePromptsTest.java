package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContrastivePromptsTest {

  private static final StoryGrammar GRAMMAR = StoryGrammar.standard();

  @Test
  void standardSetHasThirtyTwoPairsForEachOfAtLeastSixConcepts() {
    Map<Concept, List<ContrastivePair>> set = ContrastivePrompts.standardSet(32, 1);
    assertTrue(set.size() >= 6);
    assertTrue(set.keySet().stream().map(Concept::family).distinct().count() >= 6);
    set.forEach((concept, pairs) -> {
      assertEquals(32, pairs.size(), concept.toString());
      pairs.forEach(p -> assertEquals(concept, p.positiveConcept()));
    });
  }

  @Test
  void pairsAreDeterministicInTheSeed() {
    Concept joyful = GRAMMAR.concept("joyful");
    assertEquals(ContrastivePrompts.pairs(GRAMMAR, joyful, 32, 4), ContrastivePrompts.pairs(GRAMMAR, joyful, 32, 4));
    assertNotEquals(ContrastivePrompts.pairs(GRAMMAR, joyful, 32, 4), ContrastivePrompts.pairs(GRAMMAR, joyful, 32, 5));
  }

  @Test
  void positiveCarriesTheTargetInEverySentenceAndNegativeInNone() {
    Judge judge = new Judge(GRAMMAR);
    for (String name : ContrastivePrompts.STEERING_TARGETS) {
      Concept target = GRAMMAR.concept(name);
      for (ContrastivePair p : ContrastivePrompts.pairs(GRAMMAR, target, 32, 9)) {
        assertEquals(target, p.positive().concept(target.family()));
        assertEquals(p.negativeConcept(), p.negative().concept(target.family()));
        assertEquals(Verdict.Label.SUCCESS, judge.score(p.positive().text(), target).label());
        Verdict negative = judge.score(p.negative().text(), target);
        assertEquals(0.0, negative.conceptScore());
        assertEquals(Verdict.Label.UNDER_STEER, negative.label());
      }
    }
  }

  @Test
  void pairsDifferOnlyInWordsOfTheTargetFamily() {
    Concept london = GRAMMAR.concept("london");
    for (ContrastivePair p : ContrastivePrompts.pairs(GRAMMAR, london, 32, 2)) {
      List<String> pos = p.positive().words();
      List<String> neg = p.negative().words();
      assertEquals(pos.size(), neg.size());
      Set<String> posWords = london.allWords();
      Set<String> negWords = p.negativeConcept().allWords();
      int differing = 0;
      for (int i = 0; i < pos.size(); i++) {
        if (posWords.contains(pos.get(i))) {
          assertTrue(negWords.contains(neg.get(i)), neg.get(i));
          differing++;
        } else {
          assertEquals(pos.get(i), neg.get(i));
        }
      }
      assertTrue(differing >= pos.stream().filter(w -> w.equals(".")).count()); // at least one per sentence
      p.positive().concepts().forEach((family, c) -> {
        if (!family.equals("place")) {
          assertEquals(c, p.negative().concept(family));
        }
      });
    }
  }

  @Test
  void pairedStoriesAreGrammaticalAndEquallyLikely() {
    for (ContrastivePair p : ContrastivePrompts.pairs(GRAMMAR, GRAMMAR.concept("sports"), 32, 3)) {
      assertEquals(p.positive().logProbability(), GRAMMAR.logProbability(p.positive().text()), 1e-9);
      assertEquals(p.negative().logProbability(), GRAMMAR.logProbability(p.negative().text()), 1e-9);
      // Lexicons of one family have equal sizes and concepts are uniform, so swapping keeps P.
      assertEquals(p.positive().logProbability(), p.negative().logProbability(), 1e-9);
    }
  }

  @Test
  void negativeConceptsCoverTheOtherConceptsOfTheFamily() {
    Concept red = GRAMMAR.concept("red");
    Set<Concept> negatives = new java.util.HashSet<>();
    ContrastivePrompts.pairs(GRAMMAR, red, 64, 6).forEach(p -> negatives.add(p.negativeConcept()));
    assertEquals(4, negatives.size());
    assertFalse(negatives.contains(red));
  }

  @Test
  void neutralPrefixesHoldNoConceptWordAndBeginAnOpening() {
    Set<String> conceptWords = new java.util.HashSet<>();
    GRAMMAR.families().forEach(f -> f.concepts().forEach(c -> conceptWords.addAll(c.allWords())));
    for (String prefix : ContrastivePrompts.NEUTRAL_PREFIXES) {
      List<String> words = Words.split(prefix);
      assertTrue(words.stream().noneMatch(conceptWords::contains), prefix);
      assertTrue(GRAMMAR.isSentencePrefix(words), prefix);
      assertEquals("once", words.get(0));
    }
  }

  @Test
  void aTargetOutsideTheGrammarOrANegativeCountIsRejected() {
    Concept stranger = new Concept("place", "atlantis", Map.of("city", List.of("atlantis")));
    assertThrows(IllegalArgumentException.class, () -> ContrastivePrompts.pairs(GRAMMAR, stranger, 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> ContrastivePrompts.pairs(GRAMMAR, GRAMMAR.concept("red"), -1, 0));
  }
}
