package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every choice that produced a story: the concept of each family, then per sentence its template and
 * the index of the word chosen for each slot. The grammar is unambiguous, so a story's text and its
 * derivation determine each other.
 */
record Derivation(ImmutableMap<String, Concept> concepts, ImmutableList<SentenceChoice> sentences) {

  /** One sentence: its template and, per slot in order, the index into the slot's word list. */
  record SentenceChoice(SentenceTemplate template, ImmutableList<Integer> wordIndices) {
    SentenceChoice {
      checkArgument(
          wordIndices.size() == template.slots().size(),
          "%s word indices for %s slots", wordIndices.size(), template.slots().size());
    }
  }

  /** The same choices with {@code replacement} carried instead of its family's current concept. */
  Derivation withConcept(Concept replacement) {
    checkArgument(
        concepts.containsKey(replacement.family()), "no family %s in %s", replacement.family(), concepts);
    Map<String, Concept> copy = new LinkedHashMap<>(concepts);
    copy.put(replacement.family(), replacement);
    return new Derivation(ImmutableMap.copyOf(copy), sentences);
  }
}
