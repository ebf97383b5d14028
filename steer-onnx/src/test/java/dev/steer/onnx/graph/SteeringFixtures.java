package dev.steer.onnx.graph;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Parameter values and input maps for steering tests. */
final class SteeringFixtures {
  static final long[][] IDS = {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}};
  static final float[][] MASK = {{1, 0, 1, 1, 0}, {0, 1, 1, 0, 1}};
  static final float[][] NO_MASK = new float[2][5];

  private SteeringFixtures() {}

  /** Values for one intervention of {@code kind} with hidden size d; rotation planes are orthonormal. */
  static Map<SteeringParameter, Object> values(InterventionKind kind, int d, long seed) {
    Random r = new Random(seed);
    Map<SteeringParameter, Object> p = new EnumMap<>(SteeringParameter.class);
    double theta = Math.toRadians(kind == InterventionKind.ANGULAR_ROTATION ? 130 : 40);
    float[][] plane = orthonormalPair(d, r);
    for (SteeringParameter param : kind.parameters()) {
      switch (param) {
        case VECTOR, DIRECTION, TARGET -> p.put(param, gaussian(d, r));
        case B1 -> p.put(param, plane[0]);
        case B2 -> p.put(param, plane[1]);
        case ALPHA -> p.put(param, 1.7f);
        case STRENGTH -> p.put(param, 0.8f);
        case VALUE -> p.put(param, -2.5f);
        case COS_THETA -> p.put(param, (float) Math.cos(theta));
        case SIN_THETA -> p.put(param, (float) Math.sin(theta));
        case ADAPTIVE -> p.put(param, 1f);
        case FRACTION -> p.put(param, 0.6f);
      }
    }
    return p;
  }

  /** Graph inputs for a slot: ids, the mask and each step's values. */
  static Map<String, Object> inputs(
      SteeringSlot slot, float[][] mask, java.util.List<Map<SteeringParameter, Object>> stepValues) {
    Map<String, Object> in = new HashMap<>();
    in.put("input_ids", IDS);
    for (int step = 0; step < slot.kinds().size(); step++) {
      in.put(slot.maskInputName(step), mask);
      for (Map.Entry<SteeringParameter, Object> e : stepValues.get(step).entrySet()) {
        in.put(slot.inputName(step, e.getKey()), feed(e.getValue()));
      }
    }
    return in;
  }

  /** A parameter value in its graph-input shape: [1, 1, d] for a vector, [1, 1, 1] for a scalar. */
  static float[][][] feed(Object value) {
    return value instanceof float[] v ? new float[][][] {{v}} : new float[][][] {{{(Float) value}}};
  }

  static float[] gaussian(int d, Random r) {
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static float[][] orthonormalPair(int d, Random r) {
    double[] a = ReferenceSteering.unit(toDouble(gaussian(d, r)));
    double[] b = toDouble(gaussian(d, r));
    b = ReferenceSteering.unit(ReferenceSteering.axpy(-ReferenceSteering.dot(a, b), a, b));
    return new float[][] {toFloat(a), toFloat(b)};
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
