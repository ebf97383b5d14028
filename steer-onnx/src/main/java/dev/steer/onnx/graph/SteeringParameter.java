package dev.steer.onnx.graph;

import java.util.Locale;

/**
 * A parameter of a compiled intervention, fed at run time as a float graph input: either a vector of the
 * hidden size, shape {@code [rows, 1, hidden]}, or a scalar, shape {@code [rows, 1, 1]}, where rows is 1
 * (one value for the whole batch) or the batch size (one value per batch row, so that each row can be
 * steered with its own vector and strength). The input's name is given by {@link SteeringSlot#inputName}.
 */
public enum SteeringParameter {
  /** Additive: the vector v (used as given). */
  VECTOR(true),
  /** Additive: the strength α. */
  ALPHA(false),
  /** Ablation, Clamp: the direction; normalised inside the graph, so it need not be unit. */
  DIRECTION(true),
  /** Ablation: the fraction s of the component removed (1 removes it all). */
  STRENGTH(false),
  /** Clamp: the value c the component along the direction is set to. */
  VALUE(false),
  /** Rotations: first basis vector b1 of the plane (caller keeps b1, b2 orthonormal). */
  B1(true),
  /** Rotations: second basis vector b2 of the plane. */
  B2(true),
  /** Rotations: cos θ. */
  COS_THETA(false),
  /** Rotations: sin θ. */
  SIN_THETA(false),
  /** AngularRotation: 1 rotates only rows with h·b1 &gt; 0 (the adaptive variant), 0 rotates every row. */
  ADAPTIVE(false),
  /** SlerpTowards: the target direction; normalised inside the graph. */
  TARGET(true),
  /** SlerpTowards: the fraction a of the angle to the target, clamped to [0, 1] in the graph. */
  FRACTION(false);

  private final boolean vector;

  SteeringParameter(boolean vector) {
    this.vector = vector;
  }

  /** True for {@code [rows, 1, hidden]} vectors, false for {@code [rows, 1, 1]} scalars. */
  public boolean isVector() {
    return vector;
  }

  /** The lower-case name used in graph input names, e.g. {@code cos_theta}. */
  public String inputSuffix() {
    return name().toLowerCase(Locale.ROOT);
  }
}
