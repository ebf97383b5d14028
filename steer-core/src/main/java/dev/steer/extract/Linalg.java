package dev.steer.extract;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J calls extraction needs, in double precision, kept out of the public API.
 *
 * <p>ND4J 1.0.0-M2.1's {@code svd} custom op fails on matrices larger than 16 in either dimension,
 * so principal components come from LAPACK {@code syev} on the smaller of the two Gram matrices
 * instead.
 */
final class Linalg {

  private Linalg() {}

  /** A double matrix from rows. */
  static INDArray matrix(double[][] rows) {
    return Nd4j.createFromArray(rows).castTo(DataType.DOUBLE);
  }

  /** A double column vector. */
  static INDArray column(double[] values) {
    return Nd4j.createFromArray(values).castTo(DataType.DOUBLE).reshape(values.length, 1);
  }

  /**
   * Eigen-decomposition of a symmetric matrix.
   *
   * @param values eigenvalues in ascending order
   * @param vectors the matching unit eigenvectors as columns
   */
  record SymmetricEigen(double[] values, INDArray vectors) {}

  static SymmetricEigen symmetricEigen(INDArray symmetric) {
    INDArray a = symmetric.dup('f');
    INDArray values = Nd4j.create(DataType.DOUBLE, symmetric.rows());
    int info = Nd4j.getBlasWrapper().lapack().syev('V', 'U', a, values);
    if (info != 0) {
      throw new ArithmeticException("LAPACK syev failed to converge (info=" + info + ")");
    }
    return new SymmetricEigen(values.toDoubleVector(), a);
  }

  /**
   * The top right singular vector of {@code x} ({@code n × d}) and its squared singular value, with
   * the sum of all squared singular values ({@code ‖x‖²_F}): the first principal axis of the rows
   * of {@code x} about the origin. Works in {@code min(n, d)²} memory.
   */
  record TopAxis(double[] axis, double eigenvalue, double trace) {}

  static TopAxis topRightSingularVector(INDArray x) {
    boolean wide = x.rows() <= x.columns();
    // Wide x: the axis is xᵀu/σ for the top eigenvector u of x·xᵀ. Tall x: the top eigenvector of
    // xᵀ·x.
    INDArray gram = wide ? x.mmul(x.transpose()) : x.transpose().mmul(x);
    SymmetricEigen eigen = symmetricEigen(gram);
    int top = eigen.values().length - 1;
    double lambda = eigen.values()[top];
    double trace = 0;
    for (double v : eigen.values()) {
      trace += Math.max(v, 0);
    }
    if (!(lambda > 0)) {
      return new TopAxis(new double[x.columns()], 0, 0);
    }
    INDArray vector = eigen.vectors().getColumn(top).reshape(gram.rows(), 1);
    INDArray axis = wide ? x.transpose().mmul(vector) : vector;
    double[] a = axis.toDoubleVector();
    normalise(a);
    return new TopAxis(a, lambda, trace);
  }

  /**
   * Solves {@code a·x = b} for symmetric positive-definite {@code a}: LAPACK Cholesky {@code a =
   * L·Lᵀ} ({@code potrf}), then two triangular substitutions. (ND4J's {@code LinearSolve} op and
   * {@code InvertMatrix} are one to two orders of magnitude slower at a few hundred unknowns.)
   */
  static double[] solvePositiveDefinite(INDArray a, double[] b) {
    INDArray factor = a.dup('f');
    Nd4j.getBlasWrapper().lapack().potrf(factor, true);
    double[][] l = factor.toDoubleMatrix();
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * x[k];
      }
      x[i] = s / l[i][i];
    }
    return x;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Scales {@code v} to unit length in place; returns its former norm (0 leaves it unchanged). */
  static double normalise(double[] v) {
    double norm = Math.sqrt(dot(v, v));
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
    return norm;
  }
}
