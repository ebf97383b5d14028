package dev.steer.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.steer.intervention.Ablation;
import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Clamp;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.SlerpTowards;
import dev.steer.onnx.graph.SteeringParameter;
import dev.steer.onnx.graph.SteeringSlot;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph inputs that carry a batch's steering values. Parameters (vectors, strengths, angles) are
 * fixed for a whole generation and created once; token masks change with every forward pass and are
 * made per window. Each batch row may have its own plan as long as all plans share one shape: parameter
 * inputs then have one row per batch row ({@code [rows, 1, d]} and {@code [rows, 1, 1]}), or a single
 * row when every batch row uses the same plan. Owns its tensors: close it.
 */
final class SteeringFeeds implements AutoCloseable {

  private final PlanLayout layout;
  private final List<List<SteeringPlan.Entry>> rowEntries; // per row: entries in depth order
  private final boolean[] muted;
  private final Map<String, OnnxTensor> parameters = new HashMap<>();

  private SteeringFeeds(PlanLayout layout, List<List<SteeringPlan.Entry>> rowEntries, boolean[] muted) {
    this.layout = layout;
    this.rowEntries = rowEntries;
    this.muted = muted;
  }

  /**
   * Parameter tensors for {@code plans} (one per batch row, all of one shape, laid out by {@code layout}).
   * A muted row keeps its plan's values but all its masks are 0: it runs unsteered in the same graph.
   */
  static SteeringFeeds create(
      OrtEnvironment env, PlanLayout layout, List<SteeringPlan> plans, boolean[] muted, int hidden)
      throws OrtException {
    List<List<SteeringPlan.Entry>> rows = new ArrayList<>();
    for (SteeringPlan p : plans) {
      rows.add(p.entriesInDepthOrder());
    }
    SteeringFeeds feeds = new SteeringFeeds(layout, rows, muted.clone());
    try {
      boolean shared = plans.stream().distinct().count() == 1;
      int paramRows = shared ? 1 : plans.size();
      Map<String, float[]> values = new HashMap<>();
      for (int r = 0; r < paramRows; r++) {
        List<SteeringPlan.Entry> entries = rows.get(r);
        for (int e = 0; e < entries.size(); e++) {
          PlanLayout.Placement place = layout.placements().get(e);
          SteeringSlot slot = layout.slots().get(place.slot());
          List<Intervention> leaves = PlanLayout.leaves(entries.get(e).intervention());
          for (int k = 0; k < leaves.size(); k++) {
            int step = place.firstStep() + k;
            for (SteeringParameter p : slot.kinds().get(step).parameters()) {
              float[] dst = values.computeIfAbsent(slot.inputName(step, p),
                  n -> new float[paramRows * (p.isVector() ? hidden : 1)]);
              write(leaves.get(k), p, dst, r * (p.isVector() ? hidden : 1));
            }
          }
        }
      }
      for (Map.Entry<String, float[]> v : values.entrySet()) {
        long width = v.getValue().length / paramRows;
        feeds.parameters.put(v.getKey(),
            OnnxTensor.createTensor(env, FloatBuffer.wrap(v.getValue()), new long[] {paramRows, 1, width}));
      }
      return feeds;
    } catch (OrtException | RuntimeException e) {
      feeds.close();
      throw e;
    }
  }

  private static void write(Intervention i, SteeringParameter p, float[] dst, int off) {
    switch (p) {
      case VECTOR -> copy(((Additive) i).vector(), dst, off);
      case ALPHA -> dst[off] = (float) ((Additive) i).alpha();
      case DIRECTION -> copy(i instanceof Ablation a ? a.direction() : ((Clamp) i).direction(), dst, off);
      case STRENGTH -> dst[off] = (float) ((Ablation) i).strength();
      case VALUE -> dst[off] = (float) ((Clamp) i).value();
      case B1 -> copy(plane(i).b1(), dst, off);
      case B2 -> copy(plane(i).b2(), dst, off);
      case COS_THETA -> dst[off] = (float) Math.cos(Math.toRadians(angle(i)));
      case SIN_THETA -> dst[off] = (float) Math.sin(Math.toRadians(angle(i)));
      case ADAPTIVE -> dst[off] = PlanLayout.isAdaptive(i) ? 1f : 0f;
      case TARGET -> copy(((SlerpTowards) i).target(), dst, off);
      case FRACTION -> dst[off] = (float) ((SlerpTowards) i).fraction();
    }
  }

  private static RotationPlane plane(Intervention i) {
    return i instanceof AngularRotation a ? a.plane() : ((PlaneRotation) i).plane();
  }

  private static double angle(Intervention i) {
    return i instanceof AngularRotation a ? a.angleDegrees() : ((PlaneRotation) i).angleDegrees();
  }

  private static void copy(SteeringVector v, float[] dst, int off) {
    for (int i = 0; i < v.dimension(); i++) {
      dst[off + i] = v.get(i);
    }
  }

  /** The parameter inputs; owned by this object. */
  Map<String, OnnxTensor> parameters() {
    return parameters;
  }

  /**
   * Token masks for one forward pass over a window of {@code width} columns: column c of row r holds
   * absolute position {@code firstPosition[r] + c − pad[r]} (columns before {@code pad[r]} are padding
   * and never steered). The caller closes the returned tensors.
   */
  Map<String, OnnxTensor> masks(OrtEnvironment env, int width, int[] firstPosition, int[] pad, int[] promptLength)
      throws OrtException {
    int batch = rowEntries.size();
    Map<String, OnnxTensor> out = new HashMap<>();
    try {
      for (int e = 0; e < layout.placements().size(); e++) {
        PlanLayout.Placement place = layout.placements().get(e);
        SteeringSlot slot = layout.slots().get(place.slot());
        float[] mask = new float[batch * width];
        for (int r = 0; r < batch; r++) {
          if (muted[r]) {
            continue;
          }
          TokenScope scope = rowEntries.get(r).get(e).scope();
          int real = width - pad[r];
          scope.fillMask(mask, r * width + pad[r], firstPosition[r], real, promptLength[r]);
        }
        for (int k = 0; k < place.steps(); k++) {
          // each step owns its tensor: ORT inputs are not shared between names
          out.put(slot.maskInputName(place.firstStep() + k),
              OnnxTensor.createTensor(env, FloatBuffer.wrap(mask.clone()), new long[] {batch, width}));
        }
      }
      return out;
    } catch (OrtException | RuntimeException ex) {
      out.values().forEach(OnnxTensor::close);
      throw ex;
    }
  }

  @Override
  public void close() {
    parameters.values().forEach(OnnxTensor::close);
    parameters.clear();
  }
}
