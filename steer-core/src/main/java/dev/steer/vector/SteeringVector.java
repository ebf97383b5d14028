package dev.steer.vector;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.hook.HookPoint;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable float32 direction in a model's residual stream, with the hook point it was made for (if
 * any) and {@link VectorMetadata} saying where it came from.
 *
 * <p>Values are copied in and out, so a vector can be shared freely across threads. Arithmetic is done
 * in double precision and rounded to float once. Every component must be finite: NaN or infinity would
 * silently poison every activation it touches, so factories reject them with the offending index.
 * Equality compares values bitwise, the hook point and the metadata.
 */
public final class SteeringVector {

  private final float[] values;
  private final HookPoint hookPoint; // nullable: a direction not tied to a place
  private final VectorMetadata metadata;

  private SteeringVector(float[] values, HookPoint hookPoint, VectorMetadata metadata) {
    this.values = values;
    this.hookPoint = hookPoint;
    this.metadata = metadata;
  }

  /**
   * A vector with the given components (copied), no hook point and no metadata.
   *
   * @throws IllegalArgumentException if {@code values} is empty or holds a NaN or infinite component
   */
  public static SteeringVector of(float... values) {
    return new SteeringVector(checkFinite(values.clone()), null, VectorMetadata.EMPTY);
  }

  /** A vector from double components, rounded to float. */
  public static SteeringVector of(double... values) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return new SteeringVector(checkFinite(f), null, VectorMetadata.EMPTY);
  }

  /** The zero vector of the given size. */
  public static SteeringVector zeros(int dimension) {
    checkArgument(dimension > 0, "dimension must be positive: %s", dimension);
    return new SteeringVector(new float[dimension], null, VectorMetadata.EMPTY);
  }

  /** The standard basis vector {@code e_index} of the given size. */
  public static SteeringVector basis(int dimension, int index) {
    checkArgument(dimension > 0, "dimension must be positive: %s", dimension);
    checkElementIndex(index, dimension, "basis index");
    float[] v = new float[dimension];
    v[index] = 1f;
    return new SteeringVector(v, null, VectorMetadata.EMPTY);
  }

  private static float[] checkFinite(float[] v) {
    checkArgument(v.length > 0, "a steering vector needs at least one component");
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(
            "steering vector component " + i + " is " + v[i] + "; every component must be finite");
      }
    }
    return v;
  }

  /** The hidden size this vector lives in. */
  public int dimension() {
    return values.length;
  }

  /** A copy of the components. */
  public float[] toArray() {
    return values.clone();
  }

  /** The components widened to double. */
  public double[] toDoubleArray() {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return d;
  }

  /** Component {@code i}. */
  public float get(int i) {
    return values[checkElementIndex(i, values.length)];
  }

  /** The hook point this vector was made for, if recorded. */
  public Optional<HookPoint> hookPoint() {
    return Optional.ofNullable(hookPoint);
  }

  /** Where this vector came from. */
  public VectorMetadata metadata() {
    return metadata;
  }

  /** A copy tied to {@code point}. */
  public SteeringVector withHookPoint(HookPoint point) {
    return new SteeringVector(values, checkNotNull(point, "point"), metadata);
  }

  /** A copy not tied to any hook point. */
  public SteeringVector withoutHookPoint() {
    return new SteeringVector(values, null, metadata);
  }

  /** A copy with {@code metadata} replaced. */
  public SteeringVector withMetadata(VectorMetadata metadata) {
    return new SteeringVector(values, hookPoint, checkNotNull(metadata, "metadata"));
  }

  /** Euclidean norm ‖v‖. */
  public double norm() {
    return Math.sqrt(dot(this));
  }

  /** Dot product v·w. */
  public double dot(SteeringVector other) {
    checkSameDimension(other);
    double s = 0;
    for (int i = 0; i < values.length; i++) {
      s += (double) values[i] * other.values[i];
    }
    return s;
  }

  /**
   * Cosine similarity v·w / (‖v‖‖w‖).
   *
   * @throws IllegalStateException if either vector is zero (the cosine is undefined)
   */
  public double cosine(SteeringVector other) {
    double n = norm() * other.norm();
    if (n == 0) {
      throw new IllegalStateException("cosine is undefined for a zero vector");
    }
    return dot(other) / n;
  }

  /**
   * The unit vector v/‖v‖, keeping hook point and metadata.
   *
   * @throws IllegalStateException if this is the zero vector
   */
  public SteeringVector unit() {
    double n = norm();
    if (n == 0) {
      throw new IllegalStateException("cannot normalise the zero vector");
    }
    return scale(1.0 / n);
  }

  /** α·v, keeping hook point and metadata. */
  public SteeringVector scale(double alpha) {
    checkArgument(Double.isFinite(alpha), "scale factor must be finite: %s", alpha);
    float[] r = new float[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) (alpha * values[i]);
    }
    return new SteeringVector(checkFinite(r), hookPoint, metadata);
  }

  /** v + w, keeping this vector's hook point and metadata. */
  public SteeringVector plus(SteeringVector other) {
    checkSameDimension(other);
    float[] r = new float[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = (float) ((double) values[i] + other.values[i]);
    }
    return new SteeringVector(checkFinite(r), hookPoint, metadata);
  }

  /** v − w, keeping this vector's hook point and metadata. */
  public SteeringVector minus(SteeringVector other) {
    return plus(other.scale(-1));
  }

  private void checkSameDimension(SteeringVector other) {
    checkNotNull(other, "other");
    checkArgument(
        other.values.length == values.length,
        "dimension mismatch: %s vs %s",
        values.length,
        other.values.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SteeringVector v
        && Arrays.equals(values, v.values)
        && Objects.equals(hookPoint, v.hookPoint)
        && metadata.equals(v.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(values), hookPoint, metadata);
  }

  /** E.g. {@code SteeringVector[d=768, ‖v‖=4.213, blocks.6.hook_resid_post, concept=joyful, [0.012, -0.3, ...]]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SteeringVector[d=").append(values.length);
    sb.append(String.format(java.util.Locale.ROOT, ", ‖v‖=%.4g", norm()));
    if (hookPoint != null) {
      sb.append(", ").append(hookPoint);
    }
    if (!metadata.concept().isEmpty()) {
      sb.append(", concept=").append(metadata.concept());
    }
    if (!metadata.method().isEmpty()) {
      sb.append(", method=").append(metadata.method());
    }
    sb.append(", [");
    int shown = Math.min(4, values.length);
    for (int i = 0; i < shown; i++) {
      sb.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return sb.append(values.length > shown ? ", ...]]" : "]]").toString();
  }
}
