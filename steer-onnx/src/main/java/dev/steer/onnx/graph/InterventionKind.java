package dev.steer.onnx.graph;

import java.util.List;

/**
 * The kinds of residual-stream edit the graph compiler can insert. A compiled graph is keyed by kinds, not
 * values: every value is a graph input ({@link SteeringParameter}), so a new vector or strength needs no new
 * session. Each kind computes an edit Δ(h) per row h (hidden size d); see {@link GraphRewriter} for how
 * the token mask applies it.
 */
public enum InterventionKind {
  /** h' = h + α·v. */
  ADDITIVE(List.of(SteeringParameter.VECTOR, SteeringParameter.ALPHA)),
  /** h' = h − s·(h·v̂)v̂. */
  ABLATION(List.of(SteeringParameter.DIRECTION, SteeringParameter.STRENGTH)),
  /** h' = h − (h·v̂)v̂ + c·v̂. */
  CLAMP(List.of(SteeringParameter.DIRECTION, SteeringParameter.VALUE)),
  /**
   * h' = h − Ph + ‖Ph‖(cos θ·b1 + sin θ·b2) with P = b1b1ᵀ + b2b2ᵀ; with ADAPTIVE = 1 only rows where
   * h·b1 &gt; 0 change.
   */
  ANGULAR_ROTATION(
      List.of(
          SteeringParameter.B1,
          SteeringParameter.B2,
          SteeringParameter.COS_THETA,
          SteeringParameter.SIN_THETA,
          SteeringParameter.ADAPTIVE)),
  /** h' = h − Ph + [cos θ·(b1b1ᵀ + b2b2ᵀ) + sin θ·(b2b1ᵀ − b1b2ᵀ)]h: rotates by θ inside the plane. */
  PLANE_ROTATION(
      List.of(
          SteeringParameter.B1,
          SteeringParameter.B2,
          SteeringParameter.COS_THETA,
          SteeringParameter.SIN_THETA)),
  /**
   * x̂ = h/‖h‖, ŷ = v̂, θ = arccos(x̂·ŷ), u = normalize(ŷ − (x̂·ŷ)x̂), φ = a·θ with a clamped to [0, 1]:
   * h' = ‖h‖(cos φ·x̂ + sin φ·u). When ‖ŷ − (x̂·ŷ)x̂‖ ≤ 1e-6 (h parallel to ŷ) u is built from the
   * basis axis least aligned with x̂ (the first such axis); rows with h = 0 are left unchanged.
   */
  SLERP_TOWARDS(List.of(SteeringParameter.TARGET, SteeringParameter.FRACTION));

  private final List<SteeringParameter> parameters;

  InterventionKind(List<SteeringParameter> parameters) {
    this.parameters = parameters;
  }

  /** The graph inputs one intervention of this kind reads, in a fixed order. */
  public List<SteeringParameter> parameters() {
    return parameters;
  }
}
