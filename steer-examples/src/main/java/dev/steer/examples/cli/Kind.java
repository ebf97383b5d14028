package dev.steer.examples.cli;

import dev.steer.intervention.Ablation;
import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Clamp;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.SlerpTowards;
import dev.steer.vector.SteeringVector;

/** The interventions the CLI offers, and what {@code --alpha} and {@code --angle} mean for each. */
enum Kind {
  /** h' = h + α·v. */
  ADDITIVE,
  /** h' = h − α·(h·v̂)v̂, α ∈ [0, 1] the share of the component removed. */
  ABLATION,
  /** h' = h − (h·v̂)v̂ + α·v̂: the component along v̂ set to α. */
  CLAMP,
  /** Angular Steering: the part of h in the plane turned to the absolute angle {@code --angle} from b1. */
  ANGULAR,
  /** Selective Steering: the part of h in the plane rotated by {@code --angle}. */
  PLANE,
  /** Jafari et al.'s rotation towards v by the fraction α ∈ [0, 1] of the angle between h and v. */
  SLERP;

  boolean needsPlane() {
    return this == ANGULAR || this == PLANE;
  }

  /** The intervention with strength {@code alpha} (ignored by the rotations) or angle {@code angleDegrees}. */
  Intervention create(SteeringVector v, RotationPlane plane, double alpha, double angleDegrees) {
    return switch (this) {
      case ADDITIVE -> Additive.of(v.withoutHookPoint(), alpha);
      case ABLATION -> Ablation.of(v.withoutHookPoint(), alpha);
      case CLAMP -> Clamp.of(v.withoutHookPoint(), alpha);
      case ANGULAR -> AngularRotation.of(plane, angleDegrees);
      case PLANE -> PlaneRotation.of(plane, angleDegrees);
      case SLERP -> SlerpTowards.of(v.withoutHookPoint(), alpha);
    };
  }
}
