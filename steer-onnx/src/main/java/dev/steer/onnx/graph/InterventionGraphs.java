package dev.steer.onnx.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.function.Function;

/**
 * Emits, for one intervention kind, the ONNX nodes computing its edit Δ(h) = f(h) − h for h of shape
 * [batch, seq, d]; the caller gates Δ with the token mask. Written in Δ form so that the additive edit is
 * exactly α·v and the projections are the formulas of {@link InterventionKind} rearranged.
 */
final class InterventionGraphs {
  /** Below this ‖ŷ − (x̂·ŷ)x̂‖ the slerp plane is undefined and a basis axis is used instead. */
  static final float SLERP_DEGENERATE = 1e-6f;

  private InterventionGraphs() {}

  static String delta(
      NodeEmitter e, InterventionKind kind, String h, Function<SteeringParameter, String> in, int hidden) {
    switch (kind) {
      case ADDITIVE:
        return e.mul(in.apply(SteeringParameter.ALPHA), in.apply(SteeringParameter.VECTOR));
      case ABLATION:
        {
          // −s·(h·v̂)v̂
          String u = unit(e, in.apply(SteeringParameter.DIRECTION));
          String p = e.dot(h, u);
          return e.mul(e.op("Neg", e.mul(in.apply(SteeringParameter.STRENGTH), p)), u);
        }
      case CLAMP:
        {
          // (c − h·v̂)v̂
          String u = unit(e, in.apply(SteeringParameter.DIRECTION));
          return e.mul(e.sub(in.apply(SteeringParameter.VALUE), e.dot(h, u)), u);
        }
      case PLANE_ROTATION:
        {
          // (cos θ − 1)(p1 b1 + p2 b2) + sin θ (p1 b2 − p2 b1), p_i = h·b_i
          String b1 = in.apply(SteeringParameter.B1);
          String b2 = in.apply(SteeringParameter.B2);
          String cos = in.apply(SteeringParameter.COS_THETA);
          String sin = in.apply(SteeringParameter.SIN_THETA);
          String p1 = e.dot(h, b1);
          String p2 = e.dot(h, b2);
          String cm1 = e.sub(cos, e.scalar(1f));
          String c1 = e.sub(e.mul(cm1, p1), e.mul(sin, p2));
          String c2 = e.add(e.mul(cm1, p2), e.mul(sin, p1));
          return e.add(e.mul(c1, b1), e.mul(c2, b2));
        }
      case ANGULAR_ROTATION:
        {
          // −Ph + ‖Ph‖(cos θ b1 + sin θ b2) = (r cos θ − p1) b1 + (r sin θ − p2) b2, r = ‖Ph‖
          String b1 = in.apply(SteeringParameter.B1);
          String b2 = in.apply(SteeringParameter.B2);
          String p1 = e.dot(h, b1);
          String p2 = e.dot(h, b2);
          String r = e.op("Sqrt", e.add(e.mul(p1, p1), e.mul(p2, p2)));
          String c1 = e.sub(e.mul(r, in.apply(SteeringParameter.COS_THETA)), p1);
          String c2 = e.sub(e.mul(r, in.apply(SteeringParameter.SIN_THETA)), p2);
          String d = e.add(e.mul(c1, b1), e.mul(c2, b2));
          // adaptive = 1: rows with h·b1 ≤ 0 keep gate 0; adaptive = 0: every row has gate 1
          String gate =
              e.where(
                  e.op("Greater", p1, e.scalar(0f)),
                  e.scalar(1f),
                  e.sub(e.scalar(1f), in.apply(SteeringParameter.ADAPTIVE)));
          return e.mul(d, gate);
        }
      case SLERP_TOWARDS:
        return slerpDelta(e, h, in, hidden);
      default:
        throw new AssertionError(kind);
    }
  }

  /** v / ‖v‖ for a 1-D vector. */
  private static String unit(NodeEmitter e, String v) {
    return e.div(v, e.norm(v));
  }

  private static String slerpDelta(
      NodeEmitter e, String h, Function<SteeringParameter, String> in, int hidden) {
    String zero = e.scalar(0f);
    String one = e.scalar(1f);
    String n = e.norm(h);
    String nonzero = e.op("Greater", n, zero);
    String x = e.div(h, e.where(nonzero, n, one));
    String y = unit(e, in.apply(SteeringParameter.TARGET));
    String c = e.op("Min", e.op("Max", e.dot(x, y), e.scalar(-1f)), one);
    String a = e.op("Min", e.op("Max", in.apply(SteeringParameter.FRACTION), zero), one);
    String phi = e.mul(a, e.op("Acos", c));
    String w = e.sub(y, e.mul(c, x));
    String wn = e.norm(w);
    String degenerate = e.op("Not", e.op("Greater", wn, e.scalar(SLERP_DEGENERATE)));
    // Fallback plane: the first basis axis least aligned with x̂, made orthogonal to x̂.
    String k =
        e.op(
            "ArgMin",
            null,
            List.of(e.op("Abs", x)),
            NodeEmitter.intAttribute("axis", -1),
            NodeEmitter.intAttribute("keepdims", 1));
    long[] iota = new long[hidden];
    for (int i = 0; i < hidden; i++) {
      iota[i] = i;
    }
    String axis =
        e.op(
            "Cast",
            null,
            List.of(e.op("Equal", e.int64s(iota), k)),
            AttributeProto.newBuilder()
                .setName("to")
                .setType(AttributeProto.AttributeType.INT)
                .setI(TensorProto.DataType.FLOAT_VALUE)
                .build());
    String wf = e.sub(axis, e.mul(e.dot(axis, x), x));
    String u =
        e.where(
            degenerate, e.div(wf, e.norm(wf)), e.div(w, e.where(degenerate, one, wn)));
    String rotated = e.mul(n, e.add(e.mul(e.op("Cos", phi), x), e.mul(e.op("Sin", phi), u)));
    return e.where(nonzero, e.sub(rotated, h), zero);
  }
}
