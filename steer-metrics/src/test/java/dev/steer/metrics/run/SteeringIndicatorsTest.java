package dev.steer.metrics.run;

import static dev.steer.metrics.run.TinyModels.PROMPT;
import static dev.steer.metrics.run.TinyModels.concat;
import static dev.steer.metrics.run.TinyModels.logSoftmax;
import static dev.steer.metrics.run.TinyModels.randomVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.metrics.distribution.ConceptKl;
import dev.steer.metrics.summary.Summaries;
import dev.steer.onnx.Activations;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SteeringIndicatorsTest {

  private static final HookPoint H = HookPoint.residPost(1);
  private static final SteeringVector V = randomVector(4);
  private static final SteeringPlan PLAN = SteeringPlan.of(H, Additive.of(V, 6.0));

  @Test
  void perStepDivergencesEqualThoseOfFullTeacherForcedPassesWithAndWithoutThePlan() {
    SteerableModel m = TinyModels.llama();
    RunIndicators run = SteeringIndicators.measure(m, PROMPT, PLAN, GenerationConfig.greedy(6));
    int[] prompt = run.generation().promptTokens();
    int[] all = concat(prompt, run.generation().tokens());
    float[][] steered = m.logits(all, prompt.length, PLAN);
    float[][] unsteered = m.logits(all, prompt.length, SteeringPlan.empty());
    assertEquals(run.generation().tokens().length, run.steps());
    for (int t = 0; t < run.steps(); t++) {
      double[] ls = logSoftmax(steered[prompt.length - 1 + t]);
      double[] lu = logSoftmax(unsteered[prompt.length - 1 + t]);
      double kl = 0, rkl = 0, hs = 0, hu = 0;
      for (int i = 0; i < ls.length; i++) {
        kl += Math.exp(ls[i]) * (ls[i] - lu[i]);
        rkl += Math.exp(lu[i]) * (lu[i] - ls[i]);
        hs -= Math.exp(ls[i]) * ls[i];
        hu -= Math.exp(lu[i]) * lu[i];
      }
      assertEquals(kl, run.values(Indicator.KL)[t], 1e-4, "KL at step " + t);
      assertEquals(rkl, run.values(Indicator.REVERSE_KL)[t], 1e-4, "reverse KL at step " + t);
      assertEquals(hs, run.values(Indicator.ENTROPY_STEERED)[t], 1e-4, "entropy at step " + t);
      // k = 1000 > V = 80 keeps every token: BF = exp(H)
      assertEquals(Math.exp(hs), run.values(Indicator.BF_STEERED)[t], 1e-3, "BF at step " + t);
      assertEquals(Math.exp(hs - hu), run.values(Indicator.NBF)[t], 1e-3, "NBF at step " + t);
    }
    assertTrue(run.summary(Indicator.KL).mean() > 0, "a strength-6 vector moves the distribution");
  }

  @Test
  void topKBranchingFactorRenormalisesTheKMostLikelyTokens() {
    SteerableModel m = TinyModels.llama();
    RunIndicators run = SteeringIndicators.measure(m, PROMPT, PLAN, GenerationConfig.greedy(3), 5, null);
    int[] prompt = run.generation().promptTokens();
    float[][] steered = m.logits(concat(prompt, run.generation().tokens()), prompt.length, PLAN);
    for (int t = 0; t < run.steps(); t++) {
      double[] lp = logSoftmax(steered[prompt.length - 1 + t]);
      double[] p = Arrays.stream(lp).map(Math::exp).sorted().toArray();
      double mass = 0;
      for (int i = p.length - 5; i < p.length; i++) {
        mass += p[i];
      }
      double h = 0;
      for (int i = p.length - 5; i < p.length; i++) {
        h -= p[i] / mass * Math.log(p[i] / mass);
      }
      assertEquals(Math.exp(h), run.values(Indicator.BF_STEERED)[t], 1e-4, "top-5 BF at step " + t);
    }
  }

  @Test
  void nbfIsExactlyOneAndDivergencesZeroForAZeroStrengthPlan() {
    SteeringPlan zero = SteeringPlan.of(H, Additive.of(V, 0.0));
    RunIndicators run = SteeringIndicators.measure(TinyModels.llama(), PROMPT, zero, GenerationConfig.greedy(5));
    for (int t = 0; t < run.steps(); t++) {
      assertEquals(1.0, run.values(Indicator.NBF)[t], "NBF at step " + t);
      assertEquals(0.0, run.values(Indicator.KL)[t], 1e-12, "KL at step " + t);
      assertEquals(0.0, run.values(Indicator.JS)[t], 1e-12, "JS at step " + t);
    }
    assertEquals(1.0, run.meanNbf());
  }

  @Test
  void conceptKlBeforeAndAfterAreTheLogitLensOfTheUnsteeredAndTheShiftedResidual() {
    SteerableModel m = TinyModels.llama();
    float[][] unembedding = randomMatrix(80, TinyModels.D, 99);
    ConceptProbe probe = new ConceptProbe(H, unembedding, V, 20);
    RunIndicators run = SteeringIndicators.measure(m, PROMPT, PLAN, GenerationConfig.greedy(4), 1000, probe);
    int[] prompt = run.generation().promptTokens();
    int[] all = concat(prompt, run.generation().tokens());
    Activations acts = m.capture(m.decode(all), List.of(H), SteeringPlan.empty());
    ConceptKl reference = ConceptKl.of(unembedding, V, 20);
    for (int t = 0; t < run.steps(); t++) {
      float[] before = acts.at(H)[prompt.length - 1 + t];
      float[] after = PLAN.applyAt(H, before, prompt.length - 1 + t, prompt.length);
      assertEquals(reference.measure(before), run.values(Indicator.CONCEPT_KL_BEFORE)[t], 1e-3, "before " + t);
      assertEquals(reference.measure(after), run.values(Indicator.CONCEPT_KL_AFTER)[t], 1e-3, "after " + t);
    }
  }

  @Test
  void withTheModelsOwnUnembeddingAResidualDominatedByVHasConceptKlMinusLnPvOfItsTopToken() throws Exception {
    float[][] unembedding = TinyModels.llama().unembedding();
    SteeringPlan huge = SteeringPlan.of(H, Additive.of(V, 5000.0));
    RunIndicators run = SteeringIndicators.measure(
        TinyModels.llama(), PROMPT, huge, GenerationConfig.greedy(3), 1000, ConceptProbe.of(H, unembedding, V));
    // P_h → one-hot at i* = argmax W_U·v, so KL(P_h ‖ P_v) → −ln P_v(i*)
    double[] lensV = new double[unembedding.length];
    int top = 0;
    for (int i = 0; i < lensV.length; i++) {
      for (int j = 0; j < TinyModels.D; j++) {
        lensV[i] += unembedding[i][j] * V.get(j) / V.norm();
      }
      top = lensV[i] > lensV[top] ? i : top;
    }
    float[] asFloats = new float[lensV.length];
    for (int i = 0; i < lensV.length; i++) {
      asFloats[i] = (float) lensV[i];
    }
    double expected = -logSoftmax(asFloats)[top];
    for (int t = 0; t < run.steps(); t++) {
      assertEquals(expected, run.values(Indicator.CONCEPT_KL_AFTER)[t], 0.02, "step " + t);
    }
  }

  @Test
  void runsWithoutAProbeHoldNoConceptKlAndSayHowToGetIt() {
    RunIndicators run = SteeringIndicators.measure(TinyModels.llama(), PROMPT, PLAN, GenerationConfig.greedy(2));
    assertFalse(run.has(Indicator.CONCEPT_KL_AFTER));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run.values(Indicator.CONCEPT_KL_AFTER));
    assertTrue(e.getMessage().contains("ConceptProbe"), e.getMessage());
  }

  @Test
  void aProbeAfterTheSteeredHookPointIsRejected() {
    ConceptProbe probe = ConceptProbe.of(HookPoint.residPost(2), randomMatrix(80, TinyModels.D, 1), V);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SteeringIndicators.measure(TinyModels.llama(), PROMPT, PLAN, GenerationConfig.greedy(2), 10, probe));
    assertTrue(e.getMessage().contains("blocks.1.hook_resid_post"), e.getMessage());
  }

  @Test
  void summaryFeaturesListStatisticsThenRatiosToTheBaselineRun() {
    SteerableModel m = TinyModels.llama();
    RunIndicators run = SteeringIndicators.measure(m, PROMPT, PLAN, GenerationConfig.greedy(5));
    RunIndicators base = SteeringIndicators.measure(m, PROMPT, SteeringPlan.empty(), GenerationConfig.greedy(5));
    List<Indicator> which = List.of(Indicator.BF_STEERED, Indicator.KL);
    List<String> names = RunIndicators.summaryFeatureNames(which, true);
    double[] f = run.summaryFeatures(which, base);
    assertEquals(names.size(), f.length);
    assertEquals(40, f.length);
    assertEquals(Summaries.of(run.values(Indicator.KL)).median(), f[names.indexOf("kl_median")]);
    double ratio = run.summary(Indicator.BF_STEERED).mean() / base.summary(Indicator.BF_STEERED).mean();
    assertEquals(ratio, f[names.indexOf("bf_steered_mean_ratio")], 1e-12);
    double nbf = SteeringIndicators.normalizedBranchingFactor(List.of(run), List.of(base)).aggregate();
    assertEquals(ratio, nbf, 1e-12);
  }

  static float[][] randomMatrix(int rows, int cols, long seed) {
    Random r = new Random(seed);
    float[][] w = new float[rows][cols];
    for (float[] row : w) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (r.nextGaussian() * 0.3);
      }
    }
    return w;
  }
}
