package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Map;

/**
 * One value of a {@link ConceptFamily} in the testbed grammar, e.g. {@code joyful} in family
 * {@code sentiment}, with its own words.
 *
 * <p>The lexicon maps a grammatical role of the family (e.g. {@code adj}, {@code adv}) to the words
 * that can fill a slot of that role when this concept is chosen. A word belongs to exactly one concept
 * of the grammar, so seeing it tells which concept a sentence expresses. Immutable.
 *
 * @param family the family's name, e.g. {@code "sentiment"}
 * @param name the concept's name, unique in its grammar, e.g. {@code "joyful"}
 * @param lexicon role name to its non-empty word list, in sampling order
 */
public record Concept(String family, String name, Map<String, List<String>> lexicon) {

  /** Validates and copies. */
  public Concept {
    checkNotNull(family, "family");
    checkNotNull(name, "name");
    checkArgument(!lexicon.isEmpty(), "concept %s needs at least one role in its lexicon", name);
    ImmutableMap.Builder<String, List<String>> copy = ImmutableMap.builder();
    for (Map.Entry<String, List<String>> e : lexicon.entrySet()) {
      checkArgument(
          !e.getValue().isEmpty(), "concept %s has no words for role %s", name, e.getKey());
      checkArgument(
          ImmutableSet.copyOf(e.getValue()).size() == e.getValue().size(),
          "concept %s lists a word twice for role %s: %s", name, e.getKey(), e.getValue());
      copy.put(e.getKey(), ImmutableList.copyOf(e.getValue()));
    }
    lexicon = copy.buildOrThrow();
  }

  /** The words for one role, in sampling order. */
  public List<String> words(String role) {
    List<String> w = lexicon.get(role);
    checkArgument(w != null, "concept %s has no role %s; roles: %s", name, role, lexicon.keySet());
    return w;
  }

  /** Every word of this concept, over all roles, in lexicon order. */
  public ImmutableSet<String> allWords() {
    ImmutableSet.Builder<String> all = ImmutableSet.builder();
    lexicon.values().forEach(all::addAll);
    return all.build();
  }

  @Override
  public String toString() {
    return family + ":" + name;
  }
}
