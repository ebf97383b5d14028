package dev.steer.metrics.run;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.hook.HookPoint;
import dev.steer.metrics.distribution.ConceptKl;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.metrics.distribution.NormalizedBranchingFactor;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures a steered run's per-step indicators from one {@link SteerableModel#generateCompared} call:
 * the steered decode and the unsteered teacher-forced replay of the same tokens run in the same batched
 * passes, so at step t both next-token rows s_t and r_t share the context.
 *
 * <ul>
 *   <li>entropy and BF = exp(H_k) over the top k tokens (k = 1000 by default) of s_t and r_t ({@link
 *       NextTokenStats});
 *   <li>NBF_t = BF(s_t) / BF(r_t): the paired-context ratio, exactly 1 when the plan changes nothing.
 *       The paper's NBF (mean BF at strength s over mean BF of a separate strength-0 run) is {@link
 *       #normalizedBranchingFactor};
 *   <li>KL(p_s ‖ p_r), KL(p_r ‖ p_s) and JS ({@link DistributionShift});
 *   <li>with a {@link ConceptProbe} at hook point P: concept KL of the residual at P before and after the
 *       intervention. "After" is the steered row's activation at P (captures include the edits at P);
 *       "before" is the replay's activation at P, which is the steered run's pre-edit value exactly
 *       because no plan entry may sit before P (nothing upstream of P differs between the two rows).
 * </ul>
 *
 * <p>Every step is one pass over each logits row; the per-step workspaces are reused, so the loop
 * allocates only the {@link DistributionShift} results. Stateless and thread-safe.
 */
public final class SteeringIndicators {

  private SteeringIndicators() {}

  /** Indicators with BF over the top {@value NextTokenStats#DEFAULT_TOP_K} tokens and no concept KL. */
  public static RunIndicators measure(
      SteerableModel model, String prompt, SteeringPlan plan, GenerationConfig config) {
    return measure(model, prompt, plan, config, NextTokenStats.DEFAULT_TOP_K, null);
  }

  /**
   * Decodes {@code prompt} under {@code plan} with {@code config} and measures every step.
   *
   * @param branchingTopK k of the branching factor (≥ 1; ≥ V for the plain exp-entropy)
   * @param concept the concept-KL probe, or null to skip concept KL
   * @throws IllegalArgumentException if the model rejects the inputs, k &lt; 1, or a plan entry sits
   *     before the probe's hook point
   */
  public static RunIndicators measure(
      SteerableModel model,
      String prompt,
      SteeringPlan plan,
      GenerationConfig config,
      int branchingTopK,
      ConceptProbe concept) {
    checkNotNull(model, "model");
    checkNotNull(plan, "plan");
    checkArgument(branchingTopK >= 1, "branchingTopK must be >= 1: %s", branchingTopK);
    Set<HookPoint> captures = Set.of();
    if (concept != null) {
      checkProbeFirst(plan, concept.hookPoint());
      captures = Set.of(concept.hookPoint());
    }
    ComparedGeneration compared = model.generateCompared(prompt, plan, config, captures);
    return fromCompared(compared, branchingTopK, concept);
  }

  /**
   * Measures a compared generation the caller already ran (captures must include the probe's hook
   * point if a probe is given).
   *
   * @throws IllegalArgumentException if the generation recorded no step, a logits row is invalid, or
   *     the probe's activations were not captured
   */
  public static RunIndicators fromCompared(ComparedGeneration compared, int branchingTopK, ConceptProbe concept) {
    checkNotNull(compared, "compared");
    checkArgument(branchingTopK >= 1, "branchingTopK must be >= 1: %s", branchingTopK);
    int steps = compared.steps();
    checkArgument(steps >= 1, "the compared generation recorded no step");
    checkArgument(
        compared.unsteeredLogits().size() == steps,
        "%s steered but %s unsteered logits rows",
        steps,
        compared.unsteeredLogits().size());
    Map<Indicator, double[]> values = new EnumMap<>(Indicator.class);
    for (Indicator i : Indicator.values()) {
      if (concept != null || !i.needsConcept()) {
        values.put(i, new double[steps]);
      }
    }
    NextTokenStats stats = new NextTokenStats(branchingTopK);
    ConceptKl conceptKl = concept == null ? null : concept.bind();
    for (int t = 0; t < steps; t++) {
      float[] s = compared.steeredLogits().get(t);
      float[] r = compared.unsteeredLogits().get(t);
      stats.measure(s);
      values.get(Indicator.ENTROPY_STEERED)[t] = stats.entropy();
      double bfS = stats.branchingFactor();
      stats.measure(r);
      values.get(Indicator.ENTROPY_UNSTEERED)[t] = stats.entropy();
      double bfR = stats.branchingFactor();
      values.get(Indicator.BF_STEERED)[t] = bfS;
      values.get(Indicator.BF_UNSTEERED)[t] = bfR;
      values.get(Indicator.NBF)[t] = bfS / bfR;
      DistributionShift shift = DistributionShift.between(s, r);
      values.get(Indicator.KL)[t] = shift.kl();
      values.get(Indicator.REVERSE_KL)[t] = shift.reverseKl();
      values.get(Indicator.JS)[t] = shift.jensenShannon();
      if (conceptKl != null) {
        HookPoint h = concept.hookPoint();
        values.get(Indicator.CONCEPT_KL_BEFORE)[t] =
            conceptKl.measure(activation(compared.unsteeredActivations(), t, h, "unsteered"));
        values.get(Indicator.CONCEPT_KL_AFTER)[t] =
            conceptKl.measure(activation(compared.steeredActivations(), t, h, "steered"));
      }
    }
    Generation g = compared.steered();
    // drop the V floats per step that generateCompared kept: a sweep holds many runs
    Generation light = new Generation(g.prompt(), g.promptTokens(), g.tokens(), g.text(), g.stopReason(), List.of());
    return new RunIndicators(light, values);
  }

  /**
   * The paper's NBF: BF of steered runs against BF of strength-0 runs of the same concept and method
   * ({@link NormalizedBranchingFactor#of}, using each run's {@link Indicator#BF_STEERED}).
   *
   * @throws IllegalArgumentException if either list is empty
   */
  public static NormalizedBranchingFactor normalizedBranchingFactor(
      List<RunIndicators> steered, List<RunIndicators> baseline) {
    return NormalizedBranchingFactor.of(bf(steered, "steered"), bf(baseline, "baseline"));
  }

  private static double[][] bf(List<RunIndicators> runs, String name) {
    checkNotNull(runs, name);
    checkArgument(!runs.isEmpty(), "no %s runs", name);
    double[][] out = new double[runs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = checkNotNull(runs.get(i), "%s run %s", name, i).values(Indicator.BF_STEERED);
    }
    return out;
  }

  static void checkProbeFirst(SteeringPlan plan, HookPoint probe) {
    for (HookPoint h : plan.hookPoints()) {
      checkArgument(
          h.compareTo(probe) >= 0,
          "the plan steers %s, before %s; the unsteered replay then differs from the steered run's"
              + " pre-intervention value there. Measure at the plan's first hook point",
          h,
          probe);
    }
  }

  private static float[] activation(List<Map<HookPoint, float[]>> trace, int step, HookPoint h, String row) {
    checkArgument(step < trace.size(), "no %s activations recorded at step %s", row, step);
    float[] a = trace.get(step).get(h);
    checkArgument(a != null, "%s was not captured in the %s row at step %s", h, row, step);
    return a;
  }
}
