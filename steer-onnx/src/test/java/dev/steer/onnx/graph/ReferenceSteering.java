package dev.steer.onnx.graph;

import java.util.Map;

/**
 * Plain double-precision implementations of the intervention formulas in FORMULAS.md ("Interventions"),
 * written independently of the graph code to check it.
 */
final class ReferenceSteering {
  private ReferenceSteering() {}

  static double[] apply(InterventionKind kind, double[] h, Map<SteeringParameter, Object> p) {
    switch (kind) {
      case ADDITIVE:
        return axpy(scalar(p, SteeringParameter.ALPHA), vec(p, SteeringParameter.VECTOR), h);
      case ABLATION:
        {
          double[] u = unit(vec(p, SteeringParameter.DIRECTION));
          return axpy(-scalar(p, SteeringParameter.STRENGTH) * dot(h, u), u, h);
        }
      case CLAMP:
        {
          double[] u = unit(vec(p, SteeringParameter.DIRECTION));
          return axpy(scalar(p, SteeringParameter.VALUE) - dot(h, u), u, h);
        }
      case ANGULAR_ROTATION:
        {
          double[] b1 = vec(p, SteeringParameter.B1);
          double[] b2 = vec(p, SteeringParameter.B2);
          double p1 = dot(h, b1);
          if (scalar(p, SteeringParameter.ADAPTIVE) == 1 && p1 <= 0) {
            return h.clone();
          }
          double p2 = dot(h, b2);
          double r = Math.hypot(p1, p2);
          double[] out = h.clone();
          for (int i = 0; i < h.length; i++) {
            double ph = p1 * b1[i] + p2 * b2[i];
            out[i] = h[i] - ph + r * (scalar(p, SteeringParameter.COS_THETA) * b1[i] + scalar(p, SteeringParameter.SIN_THETA) * b2[i]);
          }
          return out;
        }
      case PLANE_ROTATION:
        {
          double[] b1 = vec(p, SteeringParameter.B1);
          double[] b2 = vec(p, SteeringParameter.B2);
          double c = scalar(p, SteeringParameter.COS_THETA);
          double s = scalar(p, SteeringParameter.SIN_THETA);
          double p1 = dot(h, b1);
          double p2 = dot(h, b2);
          double[] out = h.clone();
          for (int i = 0; i < h.length; i++) {
            // h − Ph + [cos(b1b1ᵀ + b2b2ᵀ) + sin(b2b1ᵀ − b1b2ᵀ)]h
            out[i] = h[i] - (p1 * b1[i] + p2 * b2[i]) + c * (p1 * b1[i] + p2 * b2[i]) + s * (b2[i] * p1 - b1[i] * p2);
          }
          return out;
        }
      case SLERP_TOWARDS:
        {
          double n = Math.sqrt(dot(h, h));
          if (n == 0) {
            return h.clone();
          }
          double[] x = scale(1 / n, h);
          double[] y = unit(vec(p, SteeringParameter.TARGET));
          double c = Math.max(-1, Math.min(1, dot(x, y)));
          double a = Math.max(0, Math.min(1, scalar(p, SteeringParameter.FRACTION)));
          double phi = a * Math.acos(c);
          double[] w = axpy(-c, x, y);
          double[] u;
          if (Math.sqrt(dot(w, w)) <= 1e-6) {
            int k = 0;
            for (int i = 1; i < x.length; i++) {
              if (Math.abs(x[i]) < Math.abs(x[k])) {
                k = i;
              }
            }
            double[] e = new double[x.length];
            e[k] = 1;
            u = unit(axpy(-x[k], x, e));
          } else {
            u = unit(w);
          }
          double[] out = new double[h.length];
          for (int i = 0; i < h.length; i++) {
            out[i] = n * (Math.cos(phi) * x[i] + Math.sin(phi) * u[i]);
          }
          return out;
        }
      default:
        throw new AssertionError(kind);
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double[] unit(double[] v) {
    return scale(1 / Math.sqrt(dot(v, v)), v);
  }

  static double[] scale(double s, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = s * v[i];
    }
    return out;
  }

  /** a·x + y. */
  static double[] axpy(double a, double[] x, double[] y) {
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = a * x[i] + y[i];
    }
    return out;
  }

  private static double[] vec(Map<SteeringParameter, Object> p, SteeringParameter key) {
    float[] f = (float[]) p.get(key);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double scalar(Map<SteeringParameter, Object> p, SteeringParameter key) {
    return (Float) p.get(key);
  }
}
