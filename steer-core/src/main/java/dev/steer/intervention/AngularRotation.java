package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Angular Steering (Vu &amp; Nguyen): turns the in-plane part of h to an <i>absolute</i> angle θ
 * from b1, keeping its length: with P = b1b1ᵀ + b2b2ᵀ,
 *
 * <p><b>h' = h − Ph + ‖Ph‖·(cos θ·b1 + sin θ·b2)</b>.
 *
 * <p>The part of h orthogonal to the plane, h − Ph, is unchanged and ‖h'‖ = ‖h‖. θ is in degrees;
 * the paper's API uses 0–360, but any finite angle is accepted and read modulo 360. Where Ph = 0
 * the row has no direction in the plane and is left unchanged (‖Ph‖ = 0 makes the formula the
 * identity).
 *
 * <p>In <b>adaptive</b> mode only rows with h·b1 &gt; 0 (those already leaning towards the feature)
 * are rotated; every other row is left unchanged.
 *
 * @param plane the oriented plane (b1, b2)
 * @param angleDegrees the target angle θ from b1 towards b2, in degrees (any finite value)
 * @param adaptive whether to rotate only rows with h·b1 &gt; 0
 */
public record AngularRotation(RotationPlane plane, double angleDegrees, boolean adaptive)
    implements Intervention {

  /** Validates the parameters. */
  public AngularRotation {
    checkNotNull(plane, "plane");
    checkArgument(
        Double.isFinite(angleDegrees), "rotation angle must be finite (degrees): %s", angleDegrees);
  }

  /** Rotates every row to θ degrees from b1 (not adaptive). */
  public static AngularRotation of(RotationPlane plane, double angleDegrees) {
    return new AngularRotation(plane, angleDegrees, false);
  }

  /** Rotates only rows with h·b1 &gt; 0 to θ degrees from b1. */
  public static AngularRotation adaptive(RotationPlane plane, double angleDegrees) {
    return new AngularRotation(plane, angleDegrees, true);
  }

  @Override
  public int dimension() {
    return plane.dimension();
  }

  @Override
  public String kind() {
    return "angular_rotation";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    double p1 = Rows.dot(buffer, offset, plane.b1());
    double p2 = Rows.dot(buffer, offset, plane.b2());
    if (adaptive && !(p1 > 0)) {
      return;
    }
    double radius = Math.hypot(p1, p2);
    double theta = Math.toRadians(angleDegrees);
    // h − Ph + r(cos θ b1 + sin θ b2) = h + (r cos θ − p1)·b1 + (r sin θ − p2)·b2
    double k1 = radius * Math.cos(theta) - p1;
    double k2 = radius * Math.sin(theta) - p2;
    if (k1 == 0 && k2 == 0) {
      return; // nothing moves; returning keeps the row bit-for-bit (−0.0 stays −0.0)
    }
    for (int i = 0; i < d; i++) {
      buffer[offset + i] =
          (float) (buffer[offset + i] + k1 * plane.b1().get(i) + k2 * plane.b2().get(i));
    }
  }
}
