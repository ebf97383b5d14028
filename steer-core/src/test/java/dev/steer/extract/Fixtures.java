package dev.steer.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic activations and plain-Java reference computations, independent of ND4J. */
final class Fixtures {

  private Fixtures() {}

  /**
   * Paired activations with a planted concept direction: for pair {@code i}, {@code pos_i = c + α·u
   * + σ·ε⁺_i} and {@code neg_i = c − α·u + σ·ε⁻_i}, where {@code u} is a random unit vector, {@code
   * c} a shared offset of norm 10 (real activations are far from the origin) and {@code ε} standard
   * normal. Each example has {@code tokens} tokens; only the last one carries the signal, the
   * earlier ones are pure offset-plus-noise, so pooling at the wrong token would fail.
   */
  record Planted(ContrastiveActivations activations, double[] direction) {}

  static Planted planted(long seed, int hidden, int pairs, double alpha, double sigma, int tokens) {
    Random random = new Random(seed);
    double[] u = unit(gaussian(random, hidden));
    double[] offset = scaled(unit(gaussian(random, hidden)), 10);
    List<float[][]> positives = new ArrayList<>();
    List<float[][]> negatives = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      positives.add(example(random, offset, u, alpha, sigma, tokens));
      negatives.add(example(random, offset, u, -alpha, sigma, tokens));
    }
    return new Planted(ContrastiveActivations.of(positives, negatives), u);
  }

  private static float[][] example(
      Random random, double[] offset, double[] u, double signal, double sigma, int tokens) {
    float[][] rows = new float[tokens][offset.length];
    for (int t = 0; t < tokens; t++) {
      double shift = t == tokens - 1 ? signal : 0;
      for (int j = 0; j < offset.length; j++) {
        rows[t][j] = (float) (offset[j] + shift * u[j] + sigma * random.nextGaussian());
      }
    }
    return rows;
  }

  /**
   * One-token examples, {@code perClass} of each class: standard normal noise around a shared
   * offset of 3, shifted by {@code ±0.5·(j+1)/hidden} on coordinate {@code j}. The classes overlap,
   * so the probe's optimum is finite and not trivially aligned with the mean difference.
   */
  static ContrastiveActivations overlapping(long seed, int perClass, int hidden) {
    Random random = new Random(seed);
    float[][] pos = new float[perClass][hidden];
    float[][] neg = new float[perClass][hidden];
    for (int i = 0; i < perClass; i++) {
      for (int j = 0; j < hidden; j++) {
        double shift = 0.5 * (j + 1) / hidden;
        pos[i][j] = (float) (3 + shift + random.nextGaussian());
        neg[i][j] = (float) (3 - shift + random.nextGaussian());
      }
    }
    return ContrastiveActivations.ofVectors(pos, neg);
  }

  static double[] gaussian(Random random, int n) {
    double[] v = new double[n];
    for (int j = 0; j < n; j++) {
      v[j] = random.nextGaussian();
    }
    return v;
  }

  static double[] unit(double[] v) {
    return scaled(v, 1 / Math.sqrt(dot(v, v)));
  }

  static double[] scaled(double[] v, double s) {
    double[] r = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      r[j] = v[j] * s;
    }
    return r;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  static double cosine(double[] a, double[] b) {
    return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
  }

  static double[] widen(float[] v) {
    double[] d = new double[v.length];
    for (int j = 0; j < d.length; j++) {
      d[j] = v[j];
    }
    return d;
  }

  /** The rows of {@code m} minus their mean. */
  static double[][] centred(double[][] m) {
    double[] mean = new double[m[0].length];
    for (double[] row : m) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += row[j] / m.length;
      }
    }
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = new double[mean.length];
      for (int j = 0; j < mean.length; j++) {
        c[i][j] = m[i][j] - mean[j];
      }
    }
    return c;
  }

  /** Top eigenvector of {@code Σ_i r_i r_iᵀ} by power iteration (sign arbitrary). */
  static double[] topAxisByPowerIteration(double[][] rows) {
    int d = rows[0].length;
    double[] v = unit(gaussian(new Random(7), d));
    for (int iteration = 0; iteration < 5000; iteration++) {
      double[] next = new double[d];
      for (double[] r : rows) {
        double p = dot(r, v);
        for (int j = 0; j < d; j++) {
          next[j] += p * r[j];
        }
      }
      v = unit(next);
    }
    return v;
  }

  /** The last-token rows of each example. */
  static double[][] lastRows(List<float[][]> examples) {
    double[][] rows = new double[examples.size()][];
    for (int i = 0; i < rows.length; i++) {
      float[][] e = examples.get(i);
      rows[i] = widen(e[e.length - 1]);
    }
    return rows;
  }
}
