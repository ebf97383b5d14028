package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Two stories with the same derivation except for one family's concept: {@code positive} carries
 * {@code positiveConcept}, {@code negative} another concept of the same family, and every other choice
 * (other concepts, sentence count, templates, word positions) is identical. Their first sentences make
 * prompt pairs; whole stories make text pairs. Immutable.
 *
 * @param positiveConcept the concept to steer towards
 * @param negativeConcept the concept of the same family carried instead
 * @param positive the story with {@code positiveConcept}
 * @param negative the story with {@code negativeConcept}
 */
public record ContrastivePair(
    Concept positiveConcept, Concept negativeConcept, Story positive, Story negative) {

  /** Validates. */
  public ContrastivePair {
    checkNotNull(positiveConcept, "positiveConcept");
    checkNotNull(negativeConcept, "negativeConcept");
    checkNotNull(positive, "positive");
    checkNotNull(negative, "negative");
    checkArgument(
        positiveConcept.family().equals(negativeConcept.family())
            && !positiveConcept.equals(negativeConcept),
        "a contrastive pair needs two different concepts of one family: %s vs %s",
        positiveConcept, negativeConcept);
  }
}
