package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import java.util.List;

/**
 * An oriented plane of the residual stream, spanned by an orthonormal basis (b1, b2), in which
 * {@link AngularRotation} and {@link PlaneRotation} turn activations. Angles are measured from b1
 * towards b2, and P = b1b1ᵀ + b2b2ᵀ is the orthogonal projection onto the plane.
 *
 * <p>The constructor accepts b1 and b2 when both have one dimension d ≥ 2,
 * |‖b1‖ − 1| ≤ 10⁻⁴, |‖b2‖ − 1| ≤ 10⁻⁴ and |b1·b2| ≤ 10⁻⁴. It then re-orthonormalises them in double precision
 * (Gram–Schmidt, b1 first) and rounds to float, so {@link #b1()} and {@link #b2()} may differ from
 * the arguments in the last bits; this keeps the rotations norm-preserving to float precision. Hook
 * points and metadata of the arguments are kept. Immutable and thread-safe.
 *
 * @param b1 the first basis vector (angle 0)
 * @param b2 the second basis vector (angle 90°)
 */
public record RotationPlane(SteeringVector b1, SteeringVector b2) {

  private static final double UNIT_TOLERANCE = 1e-4;
  private static final double PARALLEL_TOLERANCE = 1e-6;

  /** Validates that (b1, b2) is orthonormal within 10⁻⁴, then re-orthonormalises exactly. */
  public RotationPlane {
    checkNotNull(b1, "b1");
    checkNotNull(b2, "b2");
    checkArgument(
        b1.dimension() == b2.dimension(),
        "b1 and b2 must have one dimension: b1 has %s, b2 has %s",
        b1.dimension(),
        b2.dimension());
    checkArgument(
        b1.dimension() >= 2, "a rotation plane needs dimension >= 2, got %s", b1.dimension());
    double n1 = b1.norm();
    double n2 = b2.norm();
    double dot = b1.dot(b2);
    checkArgument(
        Math.abs(n1 - 1) <= UNIT_TOLERANCE,
        "b1 must be a unit vector (|‖b1‖ - 1| <= 1e-4) but ‖b1‖ = %s;"
            + " use RotationPlane.orthonormalize for arbitrary vectors",
        n1);
    checkArgument(
        Math.abs(n2 - 1) <= UNIT_TOLERANCE,
        "b2 must be a unit vector (|‖b2‖ - 1| <= 1e-4) but ‖b2‖ = %s;"
            + " use RotationPlane.orthonormalize for arbitrary vectors",
        n2);
    checkArgument(
        Math.abs(dot) <= UNIT_TOLERANCE,
        "b1 and b2 must be orthogonal (|b1·b2| <= 1e-4) but b1·b2 = %s;"
            + " use RotationPlane.orthonormalize for arbitrary vectors",
        dot);
    double[][] basis = DoubleVectors.gramSchmidt(b1.toDoubleArray(), b2.toDoubleArray());
    b1 = withProvenance(basis[0], b1);
    b2 = withProvenance(basis[1], b2);
  }

  /**
   * The plane spanned by two independent vectors, with b1 = v1/‖v1‖ and b2 the normalised part of
   * v2 orthogonal to v1 (Gram–Schmidt in double precision). The plane is oriented from v1 towards
   * v2.
   *
   * @throws IllegalArgumentException if the dimensions differ, v1 is zero, or v2 is (nearly)
   *     parallel to v1 (its part orthogonal to v1 is at most 10⁻⁶·‖v2‖), so that no plane is
   *     defined
   */
  public static RotationPlane orthonormalize(SteeringVector v1, SteeringVector v2) {
    Rows.checkNonZero(v1, "v1");
    double norm2 = Rows.checkNonZero(v2, "v2");
    checkArgument(
        v1.dimension() == v2.dimension(),
        "v1 and v2 must have one dimension: v1 has %s, v2 has %s",
        v1.dimension(),
        v2.dimension());
    double[][] basis = DoubleVectors.gramSchmidt(v1.toDoubleArray(), v2.toDoubleArray());
    double residual = basis[2][0];
    checkArgument(
        residual > PARALLEL_TOLERANCE * norm2,
        "v2 is parallel to v1 (its part orthogonal to v1 has norm %s, ‖v2‖ = %s), so they span no"
            + " plane",
        residual,
        norm2);
    return new RotationPlane(withProvenance(basis[0], v1), withProvenance(basis[1], v2));
  }

  /**
   * Fits a steering plane to candidate directions, as Angular Steering and Selective Steering do
   * with one candidate d⁽ˡ⁾ = mean(h_pos) − mean(h_neg) per layer:
   *
   * <ol>
   *   <li>every candidate is normalised, uᵢ = dᵢ/‖dᵢ‖;
   *   <li><b>b1</b> = the uᵢ with the highest mean cosine to all the others, (1/(n−1))·Σ_{j≠i}
   *       uᵢ·uⱼ (the first such on ties); it keeps that candidate's hook point and metadata;
   *   <li><b>b2</b> = the first principal component of the mean-centred stack xᵢ = uᵢ − ū (ū the
   *       mean of the uᵢ), made orthogonal to b1 (Gram–Schmidt) and normalised. The component is
   *       computed exactly (Jacobi eigen-decomposition) as the top eigenvector of XᵀX, or, when
   *       n ≤ d, as Xᵀa/‖Xᵀa‖ for the top eigenvector a of the smaller Gram matrix XXᵀ.
   * </ol>
   *
   * <p>Sign convention: b2 is oriented so that ū·b2 > 0 (the candidates lean towards +b2). Where
   * |ū·b2| ≤ 10⁻⁹ (candidates placed symmetrically about b1) the largest-magnitude component of b2
   * (the first such) is made positive instead. The result is deterministic for a given input. If
   * the largest eigenvalue is repeated, the principal component is not unique and the one the
   * solver returns is used.
   *
   * <p>Cost, for n candidates of dimension d and m = min(n, d): O(n²·d) for the cosines, O(n·d·m)
   * for the smaller of XXᵀ and XᵀX, and O(m³) per Jacobi sweep (a handful of sweeps).
   *
   * @throws IllegalArgumentException if there are fewer than 2 candidates, they differ in
   *     dimension, the dimension is below 2, one is zero, they all point the same way (the centred
   *     stack has variance at most 10⁻¹⁰), or they are collinear (the principal component lies
   *     along b1, its orthogonal part at most 10⁻⁴)
   */
  public static RotationPlane fromCandidates(List<SteeringVector> candidates) {
    return PlaneFit.fit(candidates);
  }

  /** The hidden size of the plane's vectors. */
  public int dimension() {
    return b1.dimension();
  }

  static SteeringVector withProvenance(double[] values, SteeringVector source) {
    SteeringVector v = SteeringVector.of(values).withMetadata(source.metadata());
    return source.hookPoint().map(v::withHookPoint).orElse(v);
  }
}
