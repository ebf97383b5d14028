package dev.steer.metrics.run;

import static dev.steer.metrics.run.TinyModels.PROMPT;
import static dev.steer.metrics.run.TinyModels.logSoftmax;
import static dev.steer.metrics.run.TinyModels.randomVector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.metrics.likelihood.LikelihoodEffects;
import dev.steer.metrics.likelihood.SteeringEffects;
import dev.steer.onnx.SteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class LikelihoodProbeTest {

  private static final HookPoint LAST = HookPoint.residPost(2);

  @Test
  void tokenLogProbsAreTheTeacherForcedLogSoftmaxOfTheCompletion() {
    SteerableModel m = TinyModels.llama();
    SteeringPlan plan = SteeringPlan.of(HookPoint.residPost(1), Additive.of(randomVector(8), 4.0));
    double[] lp = LikelihoodProbe.tokenLogProbs(m, PROMPT, " w40 w41", plan);
    int[] all = m.encode(PROMPT + " w40 w41");
    int p = m.encode(PROMPT).length;
    float[][] logits = m.logits(all, p, plan);
    assertEquals(2, lp.length);
    assertEquals(logSoftmax(logits[p - 1])[all[p]], lp[0], 1e-6);
    assertEquals(logSoftmax(logits[p])[all[p + 1]], lp[1], 1e-6);
  }

  @Test
  void effectSizeIsPositiveForAVectorThatRaisesThePositiveTokensLogit() {
    SteerableModel m = TinyModels.llama();
    SteeringVector v = randomVector(9);
    SteeringPlan plan = SteeringPlan.of(LAST, Additive.of(v, 3.0), TokenScope.all());
    // find which words the vector raises most and least after the prompt
    int p = m.encode(PROMPT).length;
    float[] steered = m.logits(m.encode(PROMPT), plan)[p - 1];
    float[] plain = m.logits(m.encode(PROMPT), SteeringPlan.empty())[p - 1];
    int up = -1, down = -1;
    for (int w = 0; w < TinyModels.WORDS; w++) {
      int id = m.encode("w" + w)[1];
      if (up < 0 || rise(steered, plain, id) > rise(steered, plain, m.encode("w" + up)[1])) {
        up = w;
      }
      if (down < 0 || rise(steered, plain, id) < rise(steered, plain, m.encode("w" + down)[1])) {
        down = w;
      }
    }
    LikelihoodProbe.Contrast c = new LikelihoodProbe.Contrast(PROMPT, " w" + up, " w" + down);
    assertTrue(LikelihoodProbe.effectSize(m, c, plan) > 0);
    LikelihoodProbe.Contrast flipped = new LikelihoodProbe.Contrast(PROMPT, " w" + down, " w" + up);
    assertEquals(-LikelihoodProbe.effectSize(m, c, plan), LikelihoodProbe.effectSize(m, flipped, plan), 1e-9);
    int upId = m.encode("w" + up)[1];
    int downId = m.encode("w" + down)[1];
    double expected = rise(steered, plain, upId) - rise(steered, plain, downId); // log-partitions cancel
    assertEquals(expected, LikelihoodProbe.meanEffectSize(m, List.of(c, c), plan), 1e-4);
  }

  @Test
  void perplexityOfAnUnsteeredTextIsExpOfMinusItsMeanLogProbability() {
    SteerableModel m = TinyModels.llama();
    String text = "w5 w6 w7 w8";
    int[] tokens = m.encode(text);
    float[][] logits = m.logits(tokens, SteeringPlan.empty());
    double sum = 0;
    for (int i = 1; i < tokens.length; i++) {
      sum += logSoftmax(logits[i - 1])[tokens[i]];
    }
    assertEquals(Math.exp(-sum / (tokens.length - 1)), LikelihoodProbe.perplexity(m, text, SteeringPlan.empty()), 1e-6);
    SteeringPlan strong = SteeringPlan.of(HookPoint.residPost(0), Additive.of(randomVector(3), 40.0));
    assertTrue(LikelihoodProbe.perplexity(m, text, strong) != LikelihoodProbe.perplexity(m, text, SteeringPlan.empty()));
  }

  @Test
  void steeringEffectsEvaluateMeanTokenLogProbabilitiesOfBothCompletionSets() {
    SteerableModel m = TinyModels.llama();
    SteeringPlan plan = SteeringPlan.of(HookPoint.residPost(1), Additive.of(randomVector(12), 3.0));
    List<LikelihoodProbe.Contrast> examples = List.of(
        new LikelihoodProbe.Contrast(PROMPT, " w40 w41", " w50"),
        new LikelihoodProbe.Contrast("w7 w8", " w9", " w60 w61 w62"));
    double[][] l = new double[4][2];
    for (int i = 0; i < 2; i++) {
      LikelihoodProbe.Contrast c = examples.get(i);
      l[0][i] = mean(LikelihoodProbe.tokenLogProbs(m, c.prompt(), c.positive(), SteeringPlan.empty()));
      l[1][i] = mean(LikelihoodProbe.tokenLogProbs(m, c.prompt(), c.positive(), plan));
      l[2][i] = mean(LikelihoodProbe.tokenLogProbs(m, c.prompt(), c.negative(), SteeringPlan.empty()));
      l[3][i] = mean(LikelihoodProbe.tokenLogProbs(m, c.prompt(), c.negative(), plan));
    }
    SteeringEffects expected = LikelihoodEffects.evaluate(l[0], l[1], l[2], l[3]);
    SteeringEffects actual = LikelihoodProbe.steeringEffects(m, examples, plan);
    assertArrayEquals(expected.matching(), actual.matching(), 1e-12);
    assertArrayEquals(expected.nonMatching(), actual.nonMatching(), 1e-12);
  }

  private static double mean(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    return sum / x.length;
  }

  @Test
  void aCompletionThatDoesNotExtendThePromptsTokensIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LikelihoodProbe.tokenLogProbs(TinyModels.llama(), PROMPT, "", SteeringPlan.empty()));
    assertTrue(e.getMessage().contains("does not tokenize"), e.getMessage());
  }

  private static double rise(float[] steered, float[] plain, int id) {
    return logSoftmax(steered)[id] - logSoftmax(plain)[id];
  }
}
