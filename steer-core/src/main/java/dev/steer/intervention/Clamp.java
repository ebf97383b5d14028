package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.vector.SteeringVector;

/**
 * Sets the component along a direction to a fixed value:
 * <b>h' = h − (h·v̂)v̂ + c·v̂</b> with v̂ = v/‖v‖.
 *
 * <p>Afterwards h'·v̂ = c and the part of h orthogonal to v is unchanged. Only the direction of v
 * matters, not its length; c is in activation units.
 *
 * @param direction the direction v; non-zero
 * @param value the target component c along v̂ (any finite value)
 */
public record Clamp(SteeringVector direction, double value) implements Intervention {

  /** Validates the parameters. */
  public Clamp {
    Rows.checkNonZero(direction, "clamp direction");
    checkArgument(Double.isFinite(value), "clamp value must be finite: %s", value);
  }

  /** h' = h − (h·v̂)v̂ + c·v̂. */
  public static Clamp of(SteeringVector direction, double value) {
    return new Clamp(direction, value);
  }

  @Override
  public int dimension() {
    return direction.dimension();
  }

  @Override
  public String kind() {
    return "clamp";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    double norm = direction.norm();
    // h' = h + (c − h·v̂)·v̂, with v̂ᵢ = vᵢ/‖v‖
    double k = (value - Rows.dot(buffer, offset, direction) / norm) / norm;
    for (int i = 0; i < d; i++) {
      buffer[offset + i] = (float) (buffer[offset + i] + k * direction.get(i));
    }
  }
}
