package dev.steer.metrics.predict;

/**
 * z-scoring fitted on training rows: z = (x − μ)/σ per column, μ and σ (population) over the column's
 * finite values; σ = 0 (or no finite value) uses σ = 1. Non-finite inputs (a ±∞ feature such as an
 * undefined magdiff ratio) become NaN, which XGBoost treats as missing. Immutable.
 */
final class Standardizer {

  final double[] means;
  final double[] stds;

  Standardizer(double[] means, double[] stds) {
    this.means = means;
    this.stds = stds;
  }

  static Standardizer fit(double[][] rows) {
    int d = rows[0].length;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (int j = 0; j < d; j++) {
      double sum = 0;
      int n = 0;
      for (double[] row : rows) {
        if (Double.isFinite(row[j])) {
          sum += row[j];
          n++;
        }
      }
      double mu = n == 0 ? 0 : sum / n;
      double ss = 0;
      for (double[] row : rows) {
        if (Double.isFinite(row[j])) {
          ss += (row[j] - mu) * (row[j] - mu);
        }
      }
      double sigma = n == 0 ? 0 : Math.sqrt(ss / n);
      mean[j] = mu;
      std[j] = sigma > 0 && Double.isFinite(sigma) ? sigma : 1.0;
    }
    return new Standardizer(mean, std);
  }

  /** Row-major float matrix of the z-scored rows, NaN for non-finite inputs. */
  float[] transform(double[][] rows) {
    int d = means.length;
    float[] out = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < d; j++) {
        double x = rows[i][j];
        out[i * d + j] = Double.isFinite(x) ? (float) ((x - means[j]) / stds[j]) : Float.NaN;
      }
    }
    return out;
  }
}
