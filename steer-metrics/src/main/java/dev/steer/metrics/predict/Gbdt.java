package dev.steer.metrics.predict;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** A thin, checked-exception-free layer over XGBoost4J: train, predict, serialise. */
final class Gbdt {

  private Gbdt() {}

  /** Softprob over {@code classes} classes, or squared-error regression when {@code classes} is 0. */
  static Booster train(
      float[] x, int rows, int cols, float[] labels, float[] weights, HyperParameters hp, int classes,
      long seed, int threads) {
    DMatrix m = null;
    try {
      m = new DMatrix(x, rows, cols, Float.NaN);
      m.setLabel(labels);
      if (weights != null) {
        m.setWeight(weights);
      }
      Map<String, Object> p = new HashMap<>();
      if (classes > 0) {
        p.put("objective", "multi:softprob");
        p.put("num_class", classes);
      } else {
        p.put("objective", "reg:squarederror");
      }
      p.put("eta", hp.eta());
      p.put("lambda", hp.lambda());
      p.put("nthread", threads);
      p.put("seed", (int) seed);
      p.put("verbosity", 0);
      if (hp.linear()) {
        p.put("booster", "gblinear");
        p.put("updater", "coord_descent"); // deterministic, unlike the default shotgun
      } else {
        p.put("booster", "gbtree");
        p.put("tree_method", "hist");
        p.put("max_depth", hp.maxDepth());
      }
      return XGBoost.train(m, p, hp.rounds(), new HashMap<>(), null, null);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost training failed: " + e.getMessage(), e);
    } finally {
      if (m != null) {
        m.dispose();
      }
    }
  }

  /** Raw predictions, one row per input row (class probabilities, or one value for regression). */
  static float[][] predict(Booster booster, float[] x, int rows, int cols) {
    DMatrix m = null;
    try {
      m = new DMatrix(x, rows, cols, Float.NaN);
      synchronized (booster) {
        return booster.predict(m);
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
    } finally {
      if (m != null) {
        m.dispose();
      }
    }
  }

  static byte[] toBytes(Booster booster) {
    try {
      synchronized (booster) {
        return booster.toByteArray("ubj");
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost could not serialise the model: " + e.getMessage(), e);
    }
  }

  static Booster fromBytes(byte[] bytes, String source) throws IOException {
    try {
      return XGBoost.loadModel(bytes);
    } catch (XGBoostError e) {
      throw new IOException(source + ": the stored XGBoost model is corrupt: " + e.getMessage(), e);
    }
  }
}
