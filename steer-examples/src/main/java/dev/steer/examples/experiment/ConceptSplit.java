package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A train/test split by concept: the runs of the {@code held} concepts are the test set. */
record ConceptSplit(Set<String> held) {

  /** Leave-one-concept-out: one split per concept, in name order, each holding out that concept. */
  static List<ConceptSplit> leaveOneOut(Set<String> concepts) {
    checkArgument(concepts.size() >= 2, "leave-one-concept-out needs at least 2 concepts: %s", concepts);
    return new TreeSet<>(concepts).stream().map(c -> new ConceptSplit(Set.of(c))).toList();
  }

  boolean isTest(ResultRow r) {
    return held.contains(r.key().concept());
  }
}
