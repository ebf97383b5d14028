package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.vector.SteeringVector;

/**
 * Directional ablation (Arditi et al., the refusal direction):
 * <b>h' = h − s·(h·v̂)v̂</b> with v̂ = v/‖v‖.
 *
 * <p>At s = 1 the component of h along v is removed entirely (h'·v̂ = 0, and applying it again
 * changes nothing); at s = 0 it is the identity. Only the direction of v matters, not its length.
 *
 * @param direction the direction v; non-zero
 * @param strength the fraction s ∈ [0, 1] of the component to remove
 */
public record Ablation(SteeringVector direction, double strength) implements Intervention {

  /** Validates the parameters. */
  public Ablation {
    Rows.checkNonZero(direction, "ablation direction");
    checkArgument(
        strength >= 0 && strength <= 1, "ablation strength must be in [0, 1]: %s", strength);
  }

  /** Full ablation (s = 1): h' = h − (h·v̂)v̂. */
  public static Ablation of(SteeringVector direction) {
    return new Ablation(direction, 1);
  }

  /** h' = h − s·(h·v̂)v̂. */
  public static Ablation of(SteeringVector direction, double strength) {
    return new Ablation(direction, strength);
  }

  @Override
  public int dimension() {
    return direction.dimension();
  }

  @Override
  public String kind() {
    return "ablation";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    // s·(h·v̂)v̂ = [s·(h·v)/‖v‖²]·v, which needs no square root.
    double vv = direction.dot(direction);
    double k = strength * Rows.dot(buffer, offset, direction) / vv;
    if (k == 0) {
      return; // keeps the row bit-for-bit (−0.0 − 0.0 would not)
    }
    for (int i = 0; i < d; i++) {
      buffer[offset + i] = (float) (buffer[offset + i] - k * direction.get(i));
    }
  }
}
