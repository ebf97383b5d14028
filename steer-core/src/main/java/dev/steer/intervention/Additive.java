package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;

/**
 * Activation addition (ActAdd, CAA): <b>h' = h + α·v</b>.
 *
 * <p>The vector is used as given, not normalised, so α is in units of ‖v‖; normalise first with
 * {@link SteeringVector#unit()} to make α an absolute step length (as the NBF paper's sweeps do).
 *
 * @param vector the direction v
 * @param alpha the strength α (any finite value; negative steers away)
 */
public record Additive(SteeringVector vector, double alpha) implements Intervention {

  /** Validates the parameters. */
  public Additive {
    checkNotNull(vector, "vector");
    checkArgument(Double.isFinite(alpha), "alpha must be finite: %s", alpha);
  }

  /** h + α·v. */
  public static Additive of(SteeringVector vector, double alpha) {
    return new Additive(vector, alpha);
  }

  @Override
  public int dimension() {
    return vector.dimension();
  }

  @Override
  public String kind() {
    return "additive";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    for (int i = 0; i < d; i++) {
      buffer[offset + i] = (float) (buffer[offset + i] + alpha * vector.get(i));
    }
  }
}
