package dev.steer.examples.experiment;

import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.SlerpTowards;
import dev.steer.vector.SteeringVector;
import java.util.Locale;

/**
 * The intervention kinds the sweep compares, each with its strength unit. The rotation plane is the
 * concept's plane at the steered layer ({@code ConceptVectors.conceptPlane}): the concept direction and
 * the mean activation where the concept is read.
 */
enum SteeringKind {
  /** h + (s · residual norm) · v̂; s in multiples of the layer's mean residual norm. */
  ADDITIVE,
  /** The in-plane part of h turned to s degrees from b1 (0 = aligned with the plane's concept axis). */
  ANGULAR,
  /** The in-plane part of h turned by s degrees; negative s turns the mean activation towards b1. */
  PLANE,
  /** h slerped the fraction s of the way towards v̂'s direction, keeping ‖h‖. */
  SLERP;

  Intervention intervention(SteeringVector unit, RotationPlane plane, double residualNorm, double s) {
    return switch (this) {
      case ADDITIVE -> Additive.of(unit, s * residualNorm);
      case ANGULAR -> AngularRotation.of(plane, s);
      case PLANE -> PlaneRotation.of(plane, s);
      case SLERP -> SlerpTowards.of(unit, s);
    };
  }

  /** The value in the early features' {@code alpha} column: the additive coefficient, else s. */
  double alpha(double residualNorm, double s) {
    return this == ADDITIVE ? s * residualNorm : s;
  }

  String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SteeringKind parse(String id) {
    for (SteeringKind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown kind '" + id + "'; expected additive, angular, plane or slerp");
  }
}
