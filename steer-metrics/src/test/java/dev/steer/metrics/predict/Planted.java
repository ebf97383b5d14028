package dev.steer.metrics.predict;

import dev.steer.metrics.features.FeatureSchema;
import dev.steer.metrics.features.FeatureVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic labelled feature vectors whose class is planted in a few columns. */
final class Planted {
  /** A small base schema: 35 features for step 0 at the steered layer. */
  static final FeatureSchema SCHEMA = FeatureSchema.of(List.of(0), List.of(0));

  /** A two-configuration grid for tests that train more than once. */
  static final TrainingOptions FAST = new TrainingOptions(
      List.of(HyperParameters.trees(3, 0.3, 40), HyperParameters.trees(2, 0.3, 20)), 0.25, 0, 1);

  final List<FeatureVector> features = new ArrayList<>();
  final List<SteerOutcome> labels = new ArrayList<>();

  /** {@code perClass[c]} examples of class c: magdiff_t0_l0 ~ N(3c, 0.5), cossim_t0_l0 ~ N(−c, 0.5). */
  static Planted classes(int[] perClass, long seed) {
    Planted p = new Planted();
    Random r = new Random(seed);
    int magdiff = SCHEMA.indexOf("magdiff_t0_l0");
    int cossim = SCHEMA.indexOf("cossim_t0_l0");
    for (int c = 0; c < perClass.length; c++) {
      for (int k = 0; k < perClass[c]; k++) {
        double[] v = noise(r);
        v[magdiff] = 3 * c + 0.5 * r.nextGaussian();
        v[cossim] = -c + 0.5 * r.nextGaussian();
        p.features.add(FeatureVector.of(SCHEMA, v));
        p.labels.add(SteerOutcome.values()[c]);
      }
    }
    return p;
  }

  /** The vector of strength α: magdiff_t0_l0 = α, the rest noise. */
  static FeatureVector ofAlpha(double alpha, Random r) {
    double[] v = noise(r);
    v[SCHEMA.indexOf("magdiff_t0_l0")] = alpha;
    return FeatureVector.of(SCHEMA, v);
  }

  private static double[] noise(Random r) {
    double[] v = new double[SCHEMA.size()];
    for (int j = 0; j < v.length; j++) {
      v[j] = r.nextGaussian();
    }
    return v;
  }
}
