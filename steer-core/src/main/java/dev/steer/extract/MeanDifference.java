package dev.steer.extract;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean difference (CAA, DiffMean): {@code v = mean_i a(pos_i) − mean_j a(neg_j)}, where {@code
 * a(x)} is an example's activation at the chosen {@link TokenPosition}.
 *
 * <p>The vector is <b>not</b> normalised: its norm is the distance between the class means, which
 * is the natural unit for a steering coefficient (α = 1 moves a negative mean onto the positive
 * mean). It is the zero vector when the two means coincide. Positive and negative counts may
 * differ. Stateless and thread-safe.
 */
public final class MeanDifference {

  private MeanDifference() {}

  /**
   * The mean-difference vector, with metadata {@code method=mean_difference} and details {@code
   * positives}, {@code negatives} and {@code token_position}.
   *
   * @throws IllegalArgumentException if an example is too short for {@code position}
   */
  public static SteeringVector extract(ContrastiveActivations activations, TokenPosition position) {
    checkNotNull(activations, "activations");
    checkNotNull(position, "position");
    Pooling.Pooled pooled = Pooling.pool(activations, position);
    INDArray positiveMean = Linalg.matrix(pooled.positives()).mean(0);
    INDArray negativeMean = Linalg.matrix(pooled.negatives()).mean(0);
    return SteeringVector.of(positiveMean.sub(negativeMean).toDoubleVector())
        .withMetadata(Provenance.of(ExtractionMethod.MEAN_DIFFERENCE, activations, position));
  }
}
