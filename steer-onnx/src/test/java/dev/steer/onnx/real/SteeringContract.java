package dev.steer.onnx.real;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Ablation;
import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Clamp;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.SlerpTowards;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The guarantees Steer gives every graph it opens, as checks any fixture can run: an all-zero plan changes
 * nothing, resid_post L and resid_pre L+1 are one place, cached steered decoding equals recomputation, every
 * intervention kind steers, rotations keep the row norm. Tolerances are relative to max(1, |x|); 0 asks
 * for bit-identical results.
 */
final class SteeringContract {
  private SteeringContract() {}

  static SteeringVector randomVector(int d, long seed) {
    Random r = new Random(seed);
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v);
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static float worstRelative(float[] expected, float[] actual) {
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1f, Math.abs(expected[i])));
    }
    return worst;
  }

  static float worstRelative(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length, "rows");
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, worstRelative(expected[i], actual[i]));
    }
    return worst;
  }

  /** Bit-identical when {@code tolerance} is 0, else within it. */
  static void assertRows(float[][] expected, float[][] actual, float tolerance, String what) {
    if (tolerance == 0) {
      for (int i = 0; i < expected.length; i++) {
        assertArrayEquals(expected[i], actual[i], what + " row " + i);
      }
      return;
    }
    float worst = worstRelative(expected, actual);
    assertTrue(worst <= tolerance, what + ": worst relative error " + worst + " > " + tolerance);
  }

  static void allZeroPlanLeavesLogitsUnchanged(OnnxSteerableModel model, int[] ids, float tolerance) {
    int d = model.shape().hiddenSize();
    SteeringPlan.Builder plan = SteeringPlan.builder();
    for (int layer = 0; layer < model.shape().layers(); layer++) {
      plan.add(HookPoint.residPost(layer), Additive.of(randomVector(d, layer), 0.0), TokenScope.all());
      plan.add(HookPoint.residPre(layer), new Ablation(randomVector(d, 10 + layer), 0.0), TokenScope.all());
    }
    assertRows(model.logits(ids, SteeringPlan.empty()), model.logits(ids, plan.build()), tolerance, "all-zero plan");
  }

  static void residPostEqualsTheNextResidPre(OnnxSteerableModel model, int[] ids) {
    SteeringVector v = randomVector(model.shape().hiddenSize(), 3);
    HookPoint post = HookPoint.residPost(0);
    HookPoint pre = HookPoint.residPre(1);
    SteeringPlan atPost = SteeringPlan.of(post, Additive.of(v, 2.0));
    SteeringPlan atPre = SteeringPlan.of(pre, Additive.of(v, 2.0));
    float[][] a = model.logits(ids, atPost);
    assertRows(a, model.logits(ids, atPre), 0, "logits");
    assertRows(model.capture(ids, List.of(pre), atPost).at(pre), model.capture(ids, List.of(pre), atPre).at(pre), 0,
        "captures");
    assertFalse(Arrays.deepEquals(a, model.logits(ids, SteeringPlan.empty())), "the vector steers");
  }

  /** Returns the worst relative error measured. */
  static float cachedSteeredDecodingEqualsRecomputation(OnnxSteerableModel model, int[] prompt, float tolerance) {
    int d = model.shape().hiddenSize();
    SteeringPlan plan = SteeringPlan.builder()
        .add(HookPoint.residPost(0), Additive.of(randomVector(d, 4), 3.0), TokenScope.fromStep(2))
        .add(HookPoint.residMid(1), PlaneRotation.of(
            RotationPlane.orthonormalize(randomVector(d, 5), randomVector(d, 6)), 40), TokenScope.prompt())
        .build();
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).returnLogits(true)
        .stopTokenIds(Set.of()).build();
    Generation g = model.generate(prompt, plan, cfg);
    float[][] full = model.logits(concat(prompt, g.tokens()), prompt.length, plan);
    List<float[]> steps = g.stepLogits();
    float worst = 0;
    for (int t = 0; t < steps.size(); t++) {
      worst = Math.max(worst, worstRelative(full[prompt.length - 1 + t], steps.get(t)));
    }
    assertTrue(worst <= tolerance, "cached vs recomputed: worst relative error " + worst);
    return worst;
  }

  static List<Intervention> everyKind(int d) {
    SteeringVector v = randomVector(d, 7);
    RotationPlane plane = RotationPlane.orthonormalize(randomVector(d, 8), randomVector(d, 9));
    return List.of(Additive.of(v, 3.0), new Ablation(v, 1.0), new Clamp(v, -2.0), AngularRotation.of(plane, 120),
        PlaneRotation.of(plane, 60), SlerpTowards.of(v, 0.7));
  }

  /** Each kind at resid_mid of block 1, and an additive edit at every site of the last block. */
  static void everyKindAndSiteSteers(OnnxSteerableModel model, int[] ids) {
    float[][] unsteered = model.logits(ids, SteeringPlan.empty());
    HookPoint mid = HookPoint.residMid(1);
    for (Intervention iv : everyKind(model.shape().hiddenSize())) {
      assertFalse(Arrays.deepEquals(unsteered, model.logits(ids, SteeringPlan.of(mid, iv))), iv.kind() + " at " + mid);
    }
    Additive add = Additive.of(randomVector(model.shape().hiddenSize(), 7), 3.0);
    for (HookPoint h : model.residualStream().hookPoints()) {
      if (h.layer() == model.shape().layers() - 1) {
        assertFalse(Arrays.deepEquals(unsteered, model.logits(ids, SteeringPlan.of(h, add))), "additive at " + h);
      }
    }
  }

  static void rotationsKeepTheRowNorm(OnnxSteerableModel model, int[] ids, double relative) {
    int d = model.shape().hiddenSize();
    RotationPlane plane = RotationPlane.orthonormalize(randomVector(d, 8), randomVector(d, 9));
    HookPoint h = HookPoint.residMid(1);
    float[][] before = model.capture(ids, List.of(h), SteeringPlan.empty()).at(h);
    for (Intervention rotation : List.of(PlaneRotation.of(plane, 60), AngularRotation.of(plane, 120),
        SlerpTowards.of(randomVector(d, 7), 0.7))) {
      float[][] after = model.capture(ids, List.of(h), SteeringPlan.of(h, rotation)).at(h);
      for (int i = 0; i < ids.length; i++) {
        double n0 = norm(before[i]);
        assertEquals(n0, norm(after[i]), relative * n0, rotation.kind() + " row " + i);
      }
    }
  }

  private static double norm(float[] x) {
    double s = 0;
    for (float f : x) {
      s += (double) f * f;
    }
    return Math.sqrt(s);
  }
}
