package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A grouped train/test split by concept: the concepts (sorted, then shuffled with {@code Random(seed)})
 * whose first max(1, round(fraction · n)) are held out, leaving at least one concept to train on.
 */
record ConceptSplit(Set<String> held) {

  static ConceptSplit of(Set<String> concepts, double fraction, long seed) {
    checkArgument(concepts.size() >= 2, "a split by concept needs at least 2 concepts: %s", concepts);
    checkArgument(fraction > 0 && fraction < 1, "held-out fraction must be in (0, 1): %s", fraction);
    List<String> order = new ArrayList<>(new TreeSet<>(concepts));
    Collections.shuffle(order, new Random(seed));
    int n = Math.min(order.size() - 1, Math.max(1, (int) Math.round(fraction * order.size())));
    return new ConceptSplit(Set.copyOf(order.subList(0, n)));
  }

  boolean isTest(ResultRow r) {
    return held.contains(r.key().concept());
  }
}
