package dev.steer.extract;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;

/**
 * A RepE reading vector: a unit direction {@code d} and a centre {@code μ}, scoring an activation
 * {@code h} as {@code (h − μ)·d/‖d‖}. Higher scores lean towards the positives the direction was
 * fitted on. Made by {@link PcaDifference#reader}; {@code μ} is the mean of every pooled activation
 * used there (positives and negatives together), so a score of 0 sits halfway between the two
 * classes when they are balanced. Immutable and thread-safe.
 */
public final class RepReader {

  private final SteeringVector direction;
  private final double[] centre;

  RepReader(SteeringVector direction, double[] centre) {
    this.direction = direction.unit();
    this.centre = centre.clone();
  }

  /** The unit direction {@code d}, with the metadata of its extraction. */
  public SteeringVector direction() {
    return direction;
  }

  /** A copy of the centre {@code μ}, rounded to float. */
  public float[] centre() {
    float[] c = new float[centre.length];
    for (int j = 0; j < c.length; j++) {
      c[j] = (float) centre[j];
    }
    return c;
  }

  /**
   * The reading score {@code (h − μ)·d/‖d‖}.
   *
   * @throws IllegalArgumentException if {@code activation} has the wrong size or a non-finite value
   */
  public double score(float[] activation) {
    checkNotNull(activation, "activation");
    checkArgument(
        activation.length == centre.length,
        "activation has size %s; expected the hidden size %s",
        activation.length,
        centre.length);
    double s = 0;
    for (int j = 0; j < centre.length; j++) {
      if (!Float.isFinite(activation[j])) {
        throw new IllegalArgumentException(
            "activation component " + j + " is " + activation[j] + "; must be finite");
      }
      s += (activation[j] - centre[j]) * direction.get(j);
    }
    return s / direction.norm();
  }

  /** E.g. {@code RepReader[d=768, pair_agreement=0.97]}. */
  @Override
  public String toString() {
    return "RepReader[d="
        + centre.length
        + ", pair_agreement="
        + direction.metadata().details().getOrDefault("pair_agreement", "?")
        + "]";
  }
}
