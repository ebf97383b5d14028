package dev.steer.metrics.run;

import static dev.steer.metrics.run.TinyModels.PROMPT;
import static dev.steer.metrics.run.TinyModels.concat;
import static dev.steer.metrics.run.TinyModels.randomVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.metrics.features.FeatureSchema;
import dev.steer.metrics.features.FeatureVector;
import dev.steer.metrics.features.SteerabilityFeatures;
import dev.steer.onnx.Activations;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyFeaturesTest {

  private static final HookPoint L0 = HookPoint.residPost(0);
  private static final SteeringVector V = randomVector(5);
  private static final double ALPHA = 3.0;

  @Test
  void featuresFollowTheExtendedSchemaOfTheLayersTheModelHas() {
    FeatureVector f = EarlyFeatures.forAdditive(TinyModels.llama(), PROMPT, V, ALPHA, L0, GenerationConfig.greedy(1));
    FeatureSchema base = FeatureSchema.forModel(0, 3);
    assertEquals(EarlyFeatures.schema(base), f.schema());
    assertEquals(base.size() + 3 * 4, f.values().length);
    assertEquals(List.of("bf_t0", "nbf_t0", "kl_t0", "bf_t1"), f.schema().extraColumns().subList(0, 4));
    for (double x : f.values()) {
      assertFalse(Double.isNaN(x));
    }
    assertEquals(ALPHA, f.get("alpha"));
    assertEquals(V.norm(), f.get("vector_norm"), 1e-12);
  }

  @Test
  void featuresEqualThoseComputedFromFullPassesOverTheSteeredTokens() {
    SteerableModel m = TinyModels.llama();
    FeatureVector f = EarlyFeatures.forAdditive(m, PROMPT, V, ALPHA, L0, GenerationConfig.greedy(1));
    SteeringPlan plan = SteeringPlan.of(L0, Additive.of(V, ALPHA));
    Generation g = m.generate(PROMPT, plan, GenerationConfig.greedy(6));
    assertEquals(6, g.tokens().length, "the fixture must reach step 5 without an end token");
    int[] prompt = g.promptTokens();
    int[] all = concat(prompt, g.tokens());
    List<HookPoint> layers = List.of(L0, HookPoint.residPost(1), HookPoint.residPost(2));
    Activations steered = m.capture(m.decode(all), layers, plan);
    Activations replay = m.capture(m.decode(all), layers, SteeringPlan.empty());
    float[][] steeredLogits = m.logits(all, prompt.length, plan);
    float[][] replayLogits = m.logits(all, prompt.length, SteeringPlan.empty());
    FeatureSchema base = FeatureSchema.forModel(0, 3);
    int[] steps = {0, 1, 3, 5};
    float[][][] s = new float[4][3][];
    float[][][] r = new float[4][3][];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 3; j++) {
        s[i][j] = steered.at(layers.get(j))[prompt.length - 1 + steps[i]];
        r[i][j] = replay.at(layers.get(j))[prompt.length - 1 + steps[i]];
      }
    }
    double[] expected = SteerabilityFeatures.forAdditive(base, s, r, V, ALPHA).values();
    double[] actual = f.values();
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], 1e-3 * Math.max(1, Math.abs(expected[k])), base.names().get(k));
    }
    NextTokenStats stats = new NextTokenStats();
    for (int i = 0; i < 4; i++) {
      float[] sl = steeredLogits[prompt.length - 1 + steps[i]];
      float[] rl = replayLogits[prompt.length - 1 + steps[i]];
      double bf = stats.measure(sl).branchingFactor();
      double nbf = bf / stats.measure(rl).branchingFactor();
      assertEquals(bf, f.get("bf_t" + steps[i]), 1e-3);
      assertEquals(nbf, f.get("nbf_t" + steps[i]), 1e-4);
      assertEquals(DistributionShift.kl(sl, rl), f.get("kl_t" + steps[i]), 1e-4);
    }
  }

  @Test
  void steeringProjectionSeesTheAddedVector() {
    FeatureVector f = EarlyFeatures.forAdditive(TinyModels.llama(), PROMPT, V, 50.0, L0, GenerationConfig.greedy(1));
    // at the steered layer s = r + 50·v, dominated by v
    assertTrue(f.get("steerproj_t0_l0") > 0.9, "steerproj " + f.get("steerproj_t0_l0"));
    assertEquals(50.0 * V.norm(), f.get("magdiff_t0_l0"), 1e-2 * 50 * V.norm());
  }

  @Test
  void aZeroStrengthPlanHasNoDifferenceAndUnitNbf() {
    FeatureVector f = EarlyFeatures.forAdditive(TinyModels.llama(), PROMPT, V, 0.0, L0, GenerationConfig.greedy(1));
    assertEquals(0.0, f.get("magdiff_mean"));
    assertEquals(1.0, f.get("cossim_t3_l2"), 1e-6);
    assertEquals(1.0, f.get("nbf_t5"));
    assertEquals(0.0, f.get("kl_t5"), 1e-12);
  }

  @Test
  void stepsAfterAnEarlyStopRepeatTheLastStepReached() {
    SteerableModel m = TinyModels.llama();
    SteeringPlan plan = SteeringPlan.of(L0, Additive.of(V, ALPHA));
    String first = m.generate(PROMPT, plan, GenerationConfig.greedy(1)).text();
    GenerationConfig stopAtFirst = GenerationConfig.builder().stopStrings(List.of(first)).build();
    FeatureVector f = EarlyFeatures.forAdditive(m, PROMPT, V, ALPHA, L0, stopAtFirst);
    assertEquals(1.0, f.get("magdiff_ratio_t5_l1"));
    assertEquals(0.0, f.get("cossim_delta_t3_l2"));
    assertEquals(f.get("kl_t0"), f.get("kl_t5"));
    assertEquals(f.get("bf_t0"), f.get("bf_t1"));
  }

  @Test
  void layersBeyondTheModelAreRejectedWithTheFix() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EarlyFeatures.extract(TinyModels.llama(), PROMPT, SteeringPlan.of(L0, Additive.of(V, 1.0)), L0,
            V.norm(), 1.0, FeatureSchema.standard(), GenerationConfig.greedy(1)));
    assertTrue(e.getMessage().contains("FeatureSchema.forModel"), e.getMessage());
  }

  @Test
  void csvRowsHaveOneValuePerHeaderColumn() {
    FeatureVector f = EarlyFeatures.forAdditive(TinyModels.llama(), PROMPT, V, ALPHA, L0, GenerationConfig.greedy(1));
    assertEquals(f.csvHeader().split(",").length, f.csvRow().split(",").length);
    assertTrue(f.csvHeader().endsWith("nbf_t5,kl_t5"), f.csvHeader());
  }
}
