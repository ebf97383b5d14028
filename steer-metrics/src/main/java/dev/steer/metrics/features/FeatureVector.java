package dev.steer.metrics.features;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Feature values aligned with a {@link FeatureSchema}. Values may be ±Infinity where a documented
 * convention says so, never NaN. Immutable and thread-safe.
 */
public final class FeatureVector {

  private final FeatureSchema schema;
  private final double[] values;

  private FeatureVector(FeatureSchema schema, double[] values) {
    this.schema = schema;
    this.values = values;
  }

  /**
   * A vector of {@code values} (copied) in the schema's column order.
   *
   * @throws IllegalArgumentException if the length differs from the schema's size or a value is NaN
   */
  public static FeatureVector of(FeatureSchema schema, double[] values) {
    checkNotNull(schema, "schema");
    checkNotNull(values, "values");
    checkArgument(
        values.length == schema.size(),
        "%s values for a schema of %s features",
        values.length,
        schema.size());
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        throw new IllegalArgumentException("feature " + schema.names().get(i) + " is NaN");
      }
    }
    return new FeatureVector(schema, values.clone());
  }

  /** The schema naming the values. */
  public FeatureSchema schema() {
    return schema;
  }

  /** A copy of the values in column order. */
  public double[] values() {
    return values.clone();
  }

  /** The value of feature {@code name}; throws IllegalArgumentException for an unknown name. */
  public double get(String name) {
    return values[schema.indexOf(name)];
  }

  /** The CSV header of the schema. */
  public String csvHeader() {
    return schema.csvHeader();
  }

  /**
   * The values as one CSV line (no trailing newline), each printed by {@link Double#toString(double)}
   * so that parsing it back gives the same double ({@code Infinity} for +∞).
   */
  public String csvRow() {
    StringJoiner j = new StringJoiner(",");
    for (double v : values) {
      j.add(Double.toString(v));
    }
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureVector other
        && schema.equals(other.schema)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * schema.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "FeatureVector{" + schema + ", values=" + Arrays.toString(values) + "}";
  }
}
