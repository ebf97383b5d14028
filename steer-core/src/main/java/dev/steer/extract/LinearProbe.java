package dev.steer.extract;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import dev.steer.vector.VectorMetadata;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A linear probe: the weight vector of an L2-regularised logistic regression that tells positives
 * (label 1) from negatives (label 0), normalised to unit length.
 *
 * <p><b>Objective.</b> Over the pooled rows {@code x_i} with labels {@code y_i}, minimise
 *
 * <pre>  J(w, b) = Σ_i [log(1 + exp(z_i)) − y_i z_i] + (λ/2)‖w‖²,   z_i = (x_i − x̄)·w / s + b
 * </pre>
 *
 * where {@code x̄} is the mean row and {@code s² = Σ_i ‖x_i − x̄‖² / (N·hidden)} the mean
 * per-coordinate variance; the intercept {@code b} is not penalised. This is scikit-learn's {@code
 * LogisticRegression(C = 1/λ)} on the rescaled rows, and the default is its {@code C = 1} ({@link
 * #DEFAULT_L2 λ = 1}). The single scale {@code s} makes λ mean the same on every model and layer
 * whatever the size of its activations, and it leaves directions untouched. Features are <b>not</b>
 * standardised coordinate by coordinate: that would penalise low-variance coordinates less and tilt
 * the weight vector away from the geometry of the residual stream that steering acts in. As {@code
 * λ → ∞} the direction tends to the mean difference; small λ on separable data (always the case
 * when there are fewer examples than hidden units) tends to the maximum-margin direction, which is
 * noisier. Logistic regression is statistically less efficient than the mean difference when the
 * two classes are Gaussian with shared covariance, so expect it to need more examples for the same
 * accuracy.
 *
 * <p><b>Solver.</b> Newton's method with Cholesky-solved steps and a backtracking (Armijo) line
 * search, in double precision with ND4J, from {@code w = 0, b = 0}. It stops when the Newton
 * decrement {@code gᵀH⁻¹g/2} falls below {@code 1e-12·max(1, J)} or after 100 steps. The optimal
 * {@code w} lies in the span of the centred rows, so when there are no more rows {@code N} than
 * hidden units the problem is solved in an orthonormal basis of that span (eigenvectors of the
 * {@code N × N} Gram matrix): a step costs {@code O(N·r²)} for rank {@code r ≤ min(N, hidden)},
 * never {@code O(hidden³)}. Deterministic: no randomness.
 *
 * <p><b>Sign.</b> Positives are labelled 1, so the logit grows along the returned vector. At the
 * optimum the positives' mean projection exceeds the negatives' (the vector has a positive dot
 * product with the mean difference): with {@code z_i = (x_i − x̄)·w}, stationarity gives {@code
 * Σ(y_i − ȳ)z_i = λs‖w‖² + Σ(p_i − ȳ)z_i}, and the last sum is ≥ 0 because {@code p_i} increases
 * with {@code z_i}. Counts of positives and negatives may differ. Stateless and thread-safe.
 */
public final class LinearProbe {

  /** The default L2 strength λ (scikit-learn's {@code C = 1}). */
  public static final double DEFAULT_L2 = 1.0;

  private static final int MAX_STEPS = 100;
  private static final double RANK_TOLERANCE = 1e-12;

  private LinearProbe() {}

  /** {@link #extract(ContrastiveActivations, TokenPosition, double)} with {@code λ = 1}. */
  public static SteeringVector extract(ContrastiveActivations activations, TokenPosition position) {
    return extract(activations, position, DEFAULT_L2);
  }

  /**
   * The unit probe direction, with metadata {@code method=linear_probe} and details {@code
   * positives}, {@code negatives}, {@code token_position}, {@code l2}, {@code train_accuracy} and
   * {@code newton_steps}.
   *
   * @param l2 the L2 strength λ; positive and finite (λ = 0 has no solution on separable data)
   * @throws IllegalArgumentException if {@code l2} is not positive and finite, an example is too
   *     short for {@code position}, or every pooled activation is identical so no direction
   *     separates anything
   */
  public static SteeringVector extract(
      ContrastiveActivations activations, TokenPosition position, double l2) {
    checkNotNull(activations, "activations");
    checkNotNull(position, "position");
    checkArgument(l2 > 0 && Double.isFinite(l2), "l2 must be positive and finite: %s", l2);
    Pooling.Pooled pooled = Pooling.pool(activations, position);
    int nPos = pooled.positives().length;
    int rows = nPos + pooled.negatives().length;
    double[][] x = new double[rows][];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = i < nPos ? pooled.positives()[i] : pooled.negatives()[i - nPos];
      y[i] = i < nPos ? 1 : 0;
    }
    INDArray scaled = Linalg.matrix(x);
    scaled.subiRowVector(scaled.mean(0));
    double scale = scaled.norm2Number().doubleValue() / Math.sqrt((double) rows * scaled.columns());
    Basis basis = scale > 0 ? Basis.of(scaled.divi(scale)) : null;
    checkArgument(
        basis != null && basis.rank() > 0,
        "all %s pooled activations are identical at token position %s; no direction separates"
            + " positives from negatives",
        rows,
        position.id());
    Fit fit = newton(basis.features(), y, l2);
    double[] w = basis.toHidden(fit.beta());
    double norm = Linalg.normalise(w);
    checkArgument(
        norm > 0,
        "the probe weight is zero: positives and negatives have the same distribution at token"
            + " position %s",
        position.id());

    VectorMetadata metadata =
        Provenance.of(ExtractionMethod.LINEAR_PROBE, activations, position)
            .withDetail("l2", Provenance.number(l2))
            .withDetail("train_accuracy", Provenance.number(fit.accuracy(y)))
            .withDetail("newton_steps", Integer.toString(fit.steps()));
    return SteeringVector.of(w).withMetadata(metadata);
  }

  /**
   * Coordinates for {@code w}: either the hidden units themselves, or an orthonormal basis {@code
   * V} of the row span of the centred data, with features {@code F = X·V}. Since ‖Vβ‖ = ‖β‖ the
   * penalty is unchanged.
   */
  private record Basis(INDArray features, INDArray toHiddenMatrix, int rank) {

    static Basis of(INDArray centred) {
      long rows = centred.rows();
      long hidden = centred.columns();
      if (rows > hidden) {
        int rank = centred.norm2Number().doubleValue() > 0 ? (int) hidden : 0;
        return new Basis(centred, null, rank);
      }
      // X = U S Vᵀ: eigenvectors U of X·Xᵀ with eigenvalues S²; F = U S and V = Xᵀ U S⁻¹.
      Linalg.SymmetricEigen eigen = Linalg.symmetricEigen(centred.mmul(centred.transpose()));
      double[] values = eigen.values();
      double largest = values[values.length - 1];
      int first = 0;
      while (first < values.length
          && !(values[first] > RANK_TOLERANCE * largest && values[first] > 0)) {
        first++;
      }
      int rank = values.length - first;
      if (rank == 0) {
        return new Basis(centred, null, 0);
      }
      INDArray u =
          eigen.vectors().get(NDArrayIndex.all(), NDArrayIndex.interval(first, values.length));
      INDArray sigma = Nd4j.create(DataType.DOUBLE, 1, rank);
      for (int k = 0; k < rank; k++) {
        sigma.putScalar(0, k, Math.sqrt(values[first + k]));
      }
      INDArray features = u.mulRowVector(sigma);
      INDArray v = centred.transpose().mmul(u).diviRowVector(sigma);
      return new Basis(features, v, rank);
    }

    double[] toHidden(double[] beta) {
      return toHiddenMatrix == null
          ? beta
          : toHiddenMatrix.mmul(Linalg.column(beta)).toDoubleVector();
    }
  }

  private record Fit(double[] beta, double[] logits, int steps) {
    double accuracy(double[] y) {
      int correct = 0;
      for (int i = 0; i < y.length; i++) {
        correct += (logits[i] > 0) == (y[i] == 1) ? 1 : 0;
      }
      return (double) correct / y.length;
    }
  }

  /**
   * Newton's method on θ = (β, b) for the objective in the class Javadoc, with features {@code f}.
   */
  private static Fit newton(INDArray f, double[] y, double l2) {
    int n = y.length;
    int r = f.columns();
    INDArray design = Nd4j.hstack(f, Nd4j.ones(DataType.DOUBLE, n, 1)); // [F, 1]
    double[] theta = new double[r + 1];
    double[] z = new double[n];
    double objective = objective(z, y, theta, l2);
    int steps = 0;
    while (steps < MAX_STEPS) {
      double[] p = new double[n];
      double[] weight = new double[n];
      double[] residual = new double[n];
      for (int i = 0; i < n; i++) {
        p[i] = sigmoid(z[i]);
        weight[i] = p[i] * (1 - p[i]);
        residual[i] = p[i] - y[i];
      }
      // g = [F,1]ᵀ(p − y) + λ[β, 0];  H = [F,1]ᵀ W [F,1] + λ diag(1,…,1, 0)
      double[] gradient = design.transpose().mmul(Linalg.column(residual)).toDoubleVector();
      INDArray hessian = design.transpose().mmul(design.mulColumnVector(Linalg.column(weight)));
      for (int k = 0; k < r; k++) {
        gradient[k] += l2 * theta[k];
        hessian.putScalar(k, k, hessian.getDouble(k, k) + l2);
      }
      // A tiny unpenalised-intercept ridge keeps H positive definite if every p saturates in
      // double.
      hessian.putScalar(r, r, hessian.getDouble(r, r) + 1e-12 * n);
      double[] step = Linalg.solvePositiveDefinite(hessian, gradient);
      double decrement = Linalg.dot(gradient, step);
      if (!(decrement / 2 > 1e-12 * Math.max(1, objective))) {
        break;
      }
      steps++;
      double t = 1;
      double[] trial = new double[r + 1];
      double[] trialZ;
      double trialObjective;
      while (true) {
        for (int k = 0; k <= r; k++) {
          trial[k] = theta[k] - t * step[k];
        }
        trialZ = design.mmul(Linalg.column(trial)).toDoubleVector();
        trialObjective = objective(trialZ, y, trial, l2);
        if (trialObjective <= objective - 0.25 * t * decrement || t < 1e-10) {
          break;
        }
        t /= 2;
      }
      theta = trial.clone();
      z = trialZ;
      objective = trialObjective;
    }
    double[] beta = new double[r];
    System.arraycopy(theta, 0, beta, 0, r);
    return new Fit(beta, z, steps);
  }

  private static double objective(double[] z, double[] y, double[] theta, double l2) {
    double loss = 0;
    for (int i = 0; i < z.length; i++) {
      loss += softplus(z[i]) - y[i] * z[i];
    }
    double penalty = 0;
    for (int k = 0; k < theta.length - 1; k++) {
      penalty += theta[k] * theta[k];
    }
    return loss + 0.5 * l2 * penalty;
  }

  /** log(1 + eᶻ) without overflow. */
  private static double softplus(double z) {
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
