package dev.steer.extract;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;

/**
 * The one-call entry point: a steering vector from contrastive activations by a chosen method, with
 * each method's defaults. Stateless and thread-safe.
 *
 * <pre>{@code
 * SteeringVector v = VectorExtractor.extract(
 *     ExtractionMethod.MEAN_DIFFERENCE, activations, TokenPosition.offset(-2));
 * }</pre>
 *
 * <p>The result carries {@code VectorMetadata.method} = {@link ExtractionMethod#id()} and details
 * {@code positives}, {@code negatives} and {@code token_position}, plus each method's own; it has
 * no hook point (the caller knows where the activations were captured: {@code
 * v.withHookPoint(point)}). For method options use {@link MeanDifference}, {@link PcaDifference} or
 * {@link LinearProbe} directly.
 */
public final class VectorExtractor {

  private VectorExtractor() {}

  /**
   * Extracts a vector with {@code method}.
   *
   * @throws IllegalArgumentException if the activations do not suit the method or position (see
   *     each method)
   */
  public static SteeringVector extract(
      ExtractionMethod method, ContrastiveActivations activations, TokenPosition position) {
    checkNotNull(method, "method");
    return switch (method) {
      case MEAN_DIFFERENCE -> MeanDifference.extract(activations, position);
      case PCA -> PcaDifference.extract(activations, position);
      case LINEAR_PROBE -> LinearProbe.extract(activations, position);
    };
  }
}
