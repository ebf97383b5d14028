package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;

/** Small double-precision helpers on rows stored inside larger float buffers. */
final class Rows {
  private Rows() {}

  static void checkRow(float[] buffer, int offset, int dimension) {
    checkArgument(
        offset >= 0 && offset <= buffer.length - dimension,
        "row at offset %s with hidden size %s does not fit in a buffer of length %s",
        offset,
        dimension,
        buffer.length);
  }

  /** h·u where h = buffer[offset ..] and u is a double vector. */
  static double dot(float[] buffer, int offset, double[] u) {
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      s += buffer[offset + i] * u[i];
    }
    return s;
  }

  /** ‖h‖ for h = buffer[offset .. offset + dimension). */
  static double norm(float[] buffer, int offset, int dimension) {
    double s = 0;
    for (int i = 0; i < dimension; i++) {
      double x = buffer[offset + i];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** h·v where h = buffer[offset .. offset + v.dimension()). */
  static double dot(float[] buffer, int offset, SteeringVector v) {
    double s = 0;
    for (int i = 0, d = v.dimension(); i < d; i++) {
      s += buffer[offset + i] * (double) v.get(i);
    }
    return s;
  }

  /** Rejects a null or zero direction, naming its role; returns ‖v‖. */
  static double checkNonZero(SteeringVector v, String role) {
    checkNotNull(v, role);
    double norm = v.norm();
    checkArgument(norm > 0, "%s must be a non-zero vector (it is zero, d=%s)", role, v.dimension());
    return norm;
  }
}
