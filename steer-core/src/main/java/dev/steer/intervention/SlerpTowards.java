package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.vector.SteeringVector;

/**
 * Rotational steering (Jafari et al.): turns each row h a fraction a of the way towards a target
 * direction v along the great circle, keeping its length. With x̂ = h/‖h‖, ŷ = v/‖v‖,
 *
 * <p><b>θ = arccos(x̂·ŷ), u = normalize(ŷ − (x̂·ŷ)x̂), φ = a·θ, h' = ‖h‖·(cos φ·x̂ + sin φ·u)</b>.
 *
 * <p>The plane of rotation is the span of h and v, so it differs per row. The identity is a = 0;
 * a = 1 gives ‖h‖·ŷ; in between, the angle from h' to v is (1 − a)·θ. θ is computed as
 * atan2(‖ŷ − (x̂·ŷ)x̂‖, x̂·ŷ), which equals arccos(x̂·ŷ) but stays accurate near 0 and π.
 *
 * <p>The fraction must lie in [0, 1]; the source clamps it, and {@link #fromStrength} does the same
 * for its strength sweep, but the constructor rejects values outside so that mistakes surface.
 *
 * <p>Degenerate rows, where u is undefined:
 *
 * <ul>
 *   <li>h = 0: left unchanged (it has no direction).
 *   <li>h parallel to v, i.e. ‖ŷ − (x̂·ŷ)x̂‖ ≤ 10⁻⁹: if x̂·ŷ &gt; 0 the row already points along v
 *       and is left unchanged; if antiparallel (θ = π) then u = normalize(e_k − x̂ₖ·x̂) for the
 *       standard basis axis e_k least aligned with x̂ (smallest |x̂ₖ|, the lowest such k), so that
 *       the row turns through a well-defined half-plane.
 * </ul>
 *
 * @param target the direction v; non-zero, dimension at least 2
 * @param fraction the fraction a ∈ [0, 1] of the angle to turn through
 */
public record SlerpTowards(SteeringVector target, double fraction) implements Intervention {

  /** The strength s of the source's sweeps that maps to a full turn: a = s / 320. */
  public static final double FULL_TURN_STRENGTH = 320;

  private static final double PARALLEL_TOLERANCE = 1e-9;

  /** Validates the parameters. */
  public SlerpTowards {
    Rows.checkNonZero(target, "slerp target");
    checkArgument(
        target.dimension() >= 2,
        "slerp needs dimension >= 2 to have a plane of rotation, got %s",
        target.dimension());
    checkArgument(fraction >= 0 && fraction <= 1, "slerp fraction must be in [0, 1]: %s", fraction);
  }

  /** Turns a fraction a ∈ [0, 1] of the way to {@code target}. */
  public static SlerpTowards of(SteeringVector target, double fraction) {
    return new SlerpTowards(target, fraction);
  }

  /**
   * The source's strength convention: a = s / 320, clamped to [0, 1] (so s ≤ 0 is the identity and
   * s ≥ 320 turns all the way to the target).
   *
   * @throws IllegalArgumentException if {@code strength} is not finite
   */
  public static SlerpTowards fromStrength(SteeringVector target, double strength) {
    checkArgument(Double.isFinite(strength), "slerp strength must be finite: %s", strength);
    return new SlerpTowards(target, Math.min(1, Math.max(0, strength / FULL_TURN_STRENGTH)));
  }

  @Override
  public int dimension() {
    return target.dimension();
  }

  @Override
  public String kind() {
    return "slerp_towards";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    int d = dimension();
    Rows.checkRow(buffer, offset, d);
    double normH = Rows.norm(buffer, offset, d);
    if (normH == 0 || fraction == 0) {
      return;
    }
    double normV = target.norm();
    double cos = Math.max(-1, Math.min(1, Rows.dot(buffer, offset, target) / (normH * normV)));
    double perp = 0; // ‖ŷ − cos·x̂‖ = sin θ
    for (int i = 0; i < d; i++) {
      double r = target.get(i) / normV - cos * buffer[offset + i] / normH;
      perp += r * r;
    }
    perp = Math.sqrt(perp);

    // u = uRaw/‖uRaw‖ with uRaw = (ŷ or e_k) − along·x̂
    int axis = -1; // the basis axis e_k used instead of ŷ when h is antiparallel to v
    double along = cos;
    double uNorm = perp;
    double theta = Math.atan2(perp, cos);
    if (perp <= PARALLEL_TOLERANCE) {
      if (cos > 0) {
        return; // already along v
      }
      theta = Math.PI;
      axis = leastAlignedAxis(buffer, offset, d);
      along = buffer[offset + axis] / normH;
      uNorm = 0; // ≥ 1/√2 since |x̂ₖ| ≤ 1/√d
      for (int i = 0; i < d; i++) {
        double r = (i == axis ? 1 : 0) - along * buffer[offset + i] / normH;
        uNorm += r * r;
      }
      uNorm = Math.sqrt(uNorm);
    }
    double phi = fraction * theta;
    double a = normH * Math.cos(phi);
    double b = normH * Math.sin(phi) / uNorm;
    for (int i = 0; i < d; i++) {
      double x = buffer[offset + i] / normH;
      double y = axis < 0 ? target.get(i) / normV : (i == axis ? 1 : 0);
      buffer[offset + i] = (float) (a * x + b * (y - along * x));
    }
  }

  private static int leastAlignedAxis(float[] buffer, int offset, int d) {
    int k = 0;
    for (int i = 1; i < d; i++) {
      if (Math.abs(buffer[offset + i]) < Math.abs(buffer[offset + k])) {
        k = i;
      }
    }
    return k;
  }
}
