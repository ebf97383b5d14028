package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Selective Steering's rotation: turns the in-plane part of h <i>by</i> θ, from b1 towards b2.
 * With P = b1b1ᵀ + b2b2ᵀ,
 *
 * <p><b>h' = h − Ph + [cos θ·(b1b1ᵀ + b2b2ᵀ) + sin θ·(b2b1ᵀ − b1b2ᵀ)]·h</b>.
 *
 * <p>Writing pⱼ = h·bⱼ, the in-plane coordinates (p1, p2) become
 * (p1 cos θ − p2 sin θ, p1 sin θ + p2 cos θ) and h − Ph is unchanged, so ‖h'‖ = ‖h‖.
 * θ = 0 is exactly the identity, and a rotation by −θ undoes one by θ. θ is in degrees; any finite
 * value is accepted.
 *
 * @param plane the oriented plane (b1, b2)
 * @param angleDegrees the angle θ to rotate by, in degrees (positive turns b1 towards b2)
 */
public record PlaneRotation(RotationPlane plane, double angleDegrees) implements Intervention {

  /** Validates the parameters. */
  public PlaneRotation {
    checkNotNull(plane, "plane");
    checkArgument(
        Double.isFinite(angleDegrees), "rotation angle must be finite (degrees): %s", angleDegrees);
  }

  /** Rotates by θ degrees inside {@code plane}. */
  public static PlaneRotation of(RotationPlane plane, double angleDegrees) {
    return new PlaneRotation(plane, angleDegrees);
  }

  @Override
  public int dimension() {
    return plane.dimension();
  }

  @Override
  public String kind() {
    return "plane_rotation";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    double p1 = Rows.dot(buffer, offset, plane.b1());
    double p2 = Rows.dot(buffer, offset, plane.b2());
    double theta = Math.toRadians(angleDegrees);
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double k1 = p1 * cos - p2 * sin - p1;
    double k2 = p1 * sin + p2 * cos - p2;
    if (k1 == 0 && k2 == 0) {
      return; // nothing moves; returning keeps the row bit-for-bit (−0.0 stays −0.0)
    }
    for (int i = 0; i < d; i++) {
      buffer[offset + i] =
          (float) (buffer[offset + i] + k1 * plane.b1().get(i) + k2 * plane.b2().get(i));
    }
  }
}
