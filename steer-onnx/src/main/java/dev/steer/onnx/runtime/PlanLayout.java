package dev.steer.onnx.runtime;

import com.google.common.collect.ImmutableList;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.Sequence;
import dev.steer.onnx.graph.InterventionKind;
import dev.steer.onnx.graph.SteeringSlot;
import dev.steer.plan.SteeringPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a plan <i>shape</i> is laid out in a compiled graph: one {@link SteeringSlot} per hook point (entries
 * at the same hook point in insertion order, {@link Sequence}s flattened), and for every plan entry in
 * depth order the slot and the first step it occupies. Every step has its own token mask, so entries
 * sharing a hook point keep their own scopes.
 */
record PlanLayout(List<SteeringSlot> slots, List<Placement> placements) {

  /** Where one plan entry (in depth order) lives: its slot and its steps [firstStep, firstStep + steps). */
  record Placement(int slot, int firstStep, int steps) {}

  PlanLayout {
    slots = ImmutableList.copyOf(slots);
    placements = ImmutableList.copyOf(placements);
  }

  static PlanLayout of(SteeringPlan.Shape shape) {
    Map<HookPoint, List<InterventionKind>> kindsAt = new LinkedHashMap<>();
    List<HookPoint> order = new ArrayList<>();
    List<Placement> placements = new ArrayList<>();
    List<int[]> pending = new ArrayList<>(); // per entry: {index into order, first step, steps}
    for (SteeringPlan.Shape.Slot s : shape.slots()) {
      List<InterventionKind> kinds = kindsAt.computeIfAbsent(s.hookPoint(), h -> {
        order.add(h);
        return new ArrayList<>();
      });
      pending.add(new int[] {order.indexOf(s.hookPoint()), kinds.size(), s.kinds().size()});
      for (String k : s.kinds()) {
        kinds.add(kindOf(k));
      }
    }
    List<SteeringSlot> slots = new ArrayList<>();
    for (HookPoint h : order) {
      slots.add(new SteeringSlot(h, kindsAt.get(h)));
    }
    for (int[] p : pending) {
      placements.add(new Placement(p[0], p[1], p[2]));
    }
    return new PlanLayout(slots, placements);
  }

  /** The graph kind of a steer-core intervention kind name. */
  static InterventionKind kindOf(String kind) {
    return switch (kind) {
      case "additive" -> InterventionKind.ADDITIVE;
      case "ablation" -> InterventionKind.ABLATION;
      case "clamp" -> InterventionKind.CLAMP;
      case "angular_rotation" -> InterventionKind.ANGULAR_ROTATION;
      case "plane_rotation" -> InterventionKind.PLANE_ROTATION;
      case "slerp_towards" -> InterventionKind.SLERP_TOWARDS;
      default -> throw new IllegalArgumentException("intervention kind '" + kind + "' cannot be compiled to ONNX");
    };
  }

  /** The leaf interventions of one entry, in application order. */
  static List<Intervention> leaves(Intervention intervention) {
    List<Intervention> out = new ArrayList<>();
    collect(intervention, out);
    return out;
  }

  private static void collect(Intervention i, List<Intervention> out) {
    if (i instanceof Sequence s) {
      s.steps().forEach(step -> collect(step, out));
    } else {
      out.add(i);
    }
  }

  static boolean isAdaptive(Intervention i) {
    return i instanceof AngularRotation a && a.adaptive();
  }
}
