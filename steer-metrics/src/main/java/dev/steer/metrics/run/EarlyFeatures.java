package dev.steer.metrics.run;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.metrics.features.FeatureSchema;
import dev.steer.metrics.features.FeatureVector;
import dev.steer.metrics.features.SteerabilityFeatures;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fan et al.'s early-token steerability features of one (prompt, plan) from a short compared decode: the
 * steered decode s and the unsteered teacher-forced replay r of the same tokens run in one batched pass
 * ({@link SteerableModel#generateCompared}), only up to the schema's last step (6 tokens for steps {0, 1,
 * 3, 5}), capturing the steered hook point's site at layers L + o for every offset o.
 *
 * <p>The base columns are those of {@link SteerabilityFeatures}, with u(t) = h_after − h_before at the
 * steered hook point measured as s_L(t) − r_L(t): no plan entry may sit before the steered hook point, so
 * nothing upstream differs and the replay's activation there is exactly the steered run's pre-edit
 * value. For additive steering h + α·v at that position u = α·v (up to float rounding); for a scope that
 * skips a position u is 0 there, which is what was really added.
 *
 * <p>Schema extension ({@link #schema}): after {@code alpha}, for each schema step t in order, {@code
 * bf_t{t}} (branching factor of the steered next-token distribution, top k = 1000), {@code nbf_t{t}}
 * (that BF over the replay's BF on the same context) and {@code kl_t{t}} (KL(p_s ‖ p_r), nats). If the
 * decode stops (end of sequence) before a schema step, that step's states and indicators are those of
 * the last step reached. Stateless and thread-safe.
 */
public final class EarlyFeatures {

  private EarlyFeatures() {}

  /** The column names appended to a base schema: {@code bf_t{t}, nbf_t{t}, kl_t{t}} per step t. */
  public static FeatureSchema schema(FeatureSchema base) {
    checkNotNull(base, "base");
    checkArgument(base.extraColumns().isEmpty(), "expected a base schema, got one with extra columns: %s", base);
    List<String> extra = new ArrayList<>();
    for (int t : base.steps()) {
      extra.add("bf_t" + t);
      extra.add("nbf_t" + t);
      extra.add("kl_t" + t);
    }
    return base.withExtraColumns(extra);
  }

  /**
   * Fan et al.'s setup: h + α·v at every position of {@code hookPoint}, the paper's steps and the layer
   * offsets the model has ({@link FeatureSchema#forModel}), decoded with {@code config} (greedy in the
   * paper) up to the last step.
   */
  public static FeatureVector forAdditive(
      SteerableModel model,
      String prompt,
      SteeringVector vector,
      double alpha,
      HookPoint hookPoint,
      GenerationConfig config) {
    checkNotNull(model, "model");
    checkNotNull(vector, "vector");
    checkNotNull(hookPoint, "hookPoint");
    FeatureSchema base = FeatureSchema.forModel(hookPoint.layer(), model.shape().layers());
    SteeringPlan plan = SteeringPlan.of(hookPoint, Additive.of(vector, alpha));
    return extract(model, prompt, plan, hookPoint, vector.norm(), alpha, base, config);
  }

  /**
   * The features of {@code plan} against the unsteered model, in the {@link #schema extended} form of
   * {@code base}.
   *
   * @param steeredHook the hook point L the plan steers (the offsets are relative to its layer)
   * @param vectorNorm ‖v‖ for the {@code vector_norm} column
   * @param alpha the strength for the {@code alpha} column
   * @param base a base schema whose layers L + o all exist in the model
   * @param config decoding settings; its token budget is replaced by the schema's last step + 1
   * @throws IllegalArgumentException if a plan entry sits before {@code steeredHook}, a layer L + o does
   *     not exist, or the model rejects the inputs
   */
  public static FeatureVector extract(
      SteerableModel model,
      String prompt,
      SteeringPlan plan,
      HookPoint steeredHook,
      double vectorNorm,
      double alpha,
      FeatureSchema base,
      GenerationConfig config) {
    checkNotNull(model, "model");
    checkNotNull(plan, "plan");
    checkNotNull(steeredHook, "steeredHook");
    checkNotNull(base, "base");
    checkNotNull(config, "config");
    FeatureSchema extended = schema(base);
    SteeringIndicators.checkProbeFirst(plan, steeredHook);
    int layers = model.shape().layers();
    List<HookPoint> columns = new ArrayList<>();
    for (int o : base.layerOffsets()) {
      int layer = steeredHook.layer() + o;
      checkArgument(
          layer < layers,
          "layer offset %s from %s needs layer %s but the model has %s layers; use FeatureSchema.forModel",
          o,
          steeredHook,
          layer,
          layers);
      columns.add(HookPoint.of(layer, steeredHook.site()));
    }
    Set<HookPoint> captures = new LinkedHashSet<>(columns);
    captures.add(steeredHook);
    List<Integer> steps = base.steps();
    int lastStep = steps.get(steps.size() - 1);
    GenerationConfig shortConfig = config.toBuilder().maxNewTokens(lastStep + 1).returnLogits(true).build();
    ComparedGeneration c = model.generateCompared(prompt, plan, shortConfig, captures);
    checkArgument(c.steps() >= 1, "the compared decode recorded no step");

    int n = steps.size();
    float[][][] s = new float[n][columns.size()][];
    float[][][] r = new float[n][columns.size()][];
    float[][] u = new float[n][];
    double[] extras = new double[3 * n];
    NextTokenStats stats = new NextTokenStats();
    for (int i = 0; i < n; i++) {
      int t = Math.min(steps.get(i), c.steps() - 1);
      Map<HookPoint, float[]> sa = c.steeredActivations().get(t);
      Map<HookPoint, float[]> ra = c.unsteeredActivations().get(t);
      for (int j = 0; j < columns.size(); j++) {
        s[i][j] = sa.get(columns.get(j));
        r[i][j] = ra.get(columns.get(j));
      }
      float[] after = sa.get(steeredHook);
      float[] before = ra.get(steeredHook);
      u[i] = new float[after.length];
      for (int k = 0; k < after.length; k++) {
        u[i][k] = after[k] - before[k];
      }
      float[] sl = c.steeredLogits().get(t);
      float[] rl = c.unsteeredLogits().get(t);
      double bfS = stats.measure(sl).branchingFactor();
      double bfR = stats.measure(rl).branchingFactor();
      extras[3 * i] = bfS;
      extras[3 * i + 1] = bfS / bfR;
      extras[3 * i + 2] = DistributionShift.kl(sl, rl);
    }
    double[] baseValues = SteerabilityFeatures.compute(base, s, r, u, vectorNorm, alpha).values();
    double[] all = new double[extended.size()];
    System.arraycopy(baseValues, 0, all, 0, baseValues.length);
    System.arraycopy(extras, 0, all, baseValues.length, extras.length);
    return FeatureVector.of(extended, all);
  }
}
