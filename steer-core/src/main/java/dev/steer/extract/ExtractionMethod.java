package dev.steer.extract;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * How a steering vector is computed from {@link ContrastiveActivations}. Each method's {@link
 * #id()} is stable and is what {@code VectorMetadata.method} records.
 */
public enum ExtractionMethod {
  /**
   * CAA / DiffMean: mean of the positives minus mean of the negatives; see {@link MeanDifference}.
   */
  MEAN_DIFFERENCE("mean_difference"),
  /** RepE: first principal component of paired differences; see {@link PcaDifference}. */
  PCA("pca"),
  /**
   * Logistic-regression weight vector separating positives from negatives; see {@link LinearProbe}.
   */
  LINEAR_PROBE("linear_probe");

  private final String id;

  ExtractionMethod(String id) {
    this.id = id;
  }

  /** The stable lower-case name, e.g. {@code "mean_difference"}. */
  public String id() {
    return id;
  }

  /**
   * The method named {@code id}.
   *
   * @throws IllegalArgumentException if no method has that id
   */
  public static ExtractionMethod fromId(String id) {
    checkNotNull(id, "id");
    for (ExtractionMethod m : values()) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown extraction method \"" + id + "\"; expected mean_difference, pca or linear_probe");
  }
}
