package dev.steer.plan;

/**
 * A {@link SteeringPlan} does not fit a model: a layer that does not exist, a site the architecture
 * lacks, or a vector whose size is not the hidden size. The message names the entry, what it asked for
 * and what the model has.
 */
public final class PlanValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  PlanValidationException(String message) {
    super(message);
  }
}
