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
import dev.steer.onnx.runtime.ModelDirectory;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The two graphs other exporters wrote ({@link RealExports}), opened as shipped and held to the guarantees
 * Steer gives its own graphs. Half precision: the Llama export keeps its stream in float16, so a steered
 * cached decode differs from a full recomputation by float16 rounding of the cache and the stream, bounded
 * here by {@link #FP16_TOLERANCE} relative to max(1, |logit|).
 */
class RealExportsTest {
  static final float FP32_TOLERANCE = 1e-4f;
  static final float FP16_TOLERANCE = 1e-3f;
  static final float FP16_ZERO_PLAN_TOLERANCE = 1e-3f;

  private static final Map<RealExports, OnnxSteerableModel> MODELS = new EnumMap<>(RealExports.class);

  @BeforeAll
  static void open() throws Exception {
    for (RealExports e : RealExports.values()) {
      MODELS.put(e, OnnxSteerableModel.open(e.dir()));
    }
  }

  @AfterAll
  static void close() {
    MODELS.values().forEach(OnnxSteerableModel::close);
  }

  private static float tolerance(RealExports e) {
    return e == RealExports.LLAMA_FP16 ? FP16_TOLERANCE : FP32_TOLERANCE;
  }

  private static SteeringVector randomVector(int d, long seed) {
    Random r = new Random(seed);
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static float worstRelative(float[] expected, float[] actual) {
    float worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1f, Math.abs(expected[i])));
    }
    return worst;
  }

  private static void assertRowsClose(float[][] expected, float[][] actual, float tolerance, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      float worst = worstRelative(expected[i], actual[i]);
      assertTrue(worst <= tolerance, what + " row " + i + ": worst relative error " + worst);
    }
  }

  @Test
  void bothFoldersOpenAsTheirExporterWroteThem() {
    OnnxSteerableModel gpt2 = MODELS.get(RealExports.GPT2_FP32);
    assertEquals(ModelDirectory.Format.GENAI, gpt2.directory().format());
    assertEquals("past.onnx", gpt2.directory().graph().getFileName().toString());
    assertTrue(gpt2.directory().io().packed());
    assertEquals(5, gpt2.shape().layers());
    assertEquals(32, gpt2.shape().hiddenSize());
    // the real GPT-2 tokenizer over a 1,000-token test model: a warning, not a refusal
    assertEquals(1, gpt2.warnings().size());
    assertTrue(gpt2.warnings().get(0).contains("50294"), gpt2.warnings().get(0));

    OnnxSteerableModel llama = MODELS.get(RealExports.LLAMA_FP16);
    assertEquals(ModelDirectory.Format.GENAI, llama.directory().format());
    assertFalse(llama.directory().io().packed());
    assertEquals(Set.of(1), llama.config().eosTokenIds());
    assertEquals(2, llama.shape().layers());
    assertEquals(List.of(), llama.warnings());
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void unsteeredGreedyIdsEqualTheSourceRepositorysReferenceIds(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    GenerationConfig greedy = GenerationConfig.greedy(6);
    assertArrayEquals(e.expectedA, model.generate(RealExports.PROMPT_A, SteeringPlan.empty(), greedy).tokens());
    assertArrayEquals(e.expectedB, model.generate(RealExports.PROMPT_B, SteeringPlan.empty(), greedy).tokens());
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void unsteeredLogitsAreBitIdenticalToPlainOnnxRuntimeOnTheOriginalGraph(RealExports e) throws Exception {
    OnnxSteerableModel model = MODELS.get(e);
    int[] ids = concat(RealExports.PROMPT_B, e.expectedB);
    float[][] plain = PlainOrt.logits(model.directory().graph(), ids);
    float[][] steer = model.logits(ids, SteeringPlan.empty());
    for (int i = 0; i < ids.length; i++) {
      assertArrayEquals(plain[i], steer[i], e + " position " + i);
    }
  }

  /**
   * Float32: bit-identical. Float16 on the CPU: ONNX Runtime runs the half-precision ops it has no CPU
   * kernel for in float32 and drops the casts between them, so the original graph carries unrounded values
   * where an inserted slot, which must hand its consumers a float16 tensor, rounds them; the zero plan then
   * agrees to {@link #FP16_ZERO_PLAN_TOLERANCE}, not bit for bit.
   */
  @ParameterizedTest
  @EnumSource(RealExports.class)
  void anAllZeroPlanLeavesLogitsUnchanged(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    int d = model.shape().hiddenSize();
    SteeringPlan.Builder plan = SteeringPlan.builder();
    for (int layer = 0; layer < model.shape().layers(); layer++) {
      plan.add(HookPoint.residPost(layer), Additive.of(randomVector(d, layer), 0.0), TokenScope.all());
      plan.add(HookPoint.residPre(layer), new Ablation(randomVector(d, 10 + layer), 0.0), TokenScope.all());
    }
    int[] ids = concat(RealExports.PROMPT_A, e.expectedA);
    float[][] unsteered = model.logits(ids, SteeringPlan.empty());
    float[][] zero = model.logits(ids, plan.build());
    if (e == RealExports.LLAMA_FP16) {
      float worst = 0;
      for (int i = 0; i < ids.length; i++) {
        worst = Math.max(worst, worstRelative(unsteered[i], zero[i]));
      }
      System.out.printf("%s: all-zero plan vs unsteered, worst relative error %.3g%n", e, worst);
      assertTrue(worst <= FP16_ZERO_PLAN_TOLERANCE, e + ": worst relative error " + worst);
      return;
    }
    for (int i = 0; i < ids.length; i++) {
      assertArrayEquals(unsteered[i], zero[i], e + " position " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void additiveAtResidPostEqualsAdditiveAtTheNextResidPreWithEqualCaptures(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    SteeringVector v = randomVector(model.shape().hiddenSize(), 3);
    HookPoint post = HookPoint.residPost(0);
    HookPoint pre = HookPoint.residPre(1);
    int[] ids = RealExports.PROMPT_B;
    SteeringPlan atPost = SteeringPlan.of(post, Additive.of(v, 2.0));
    SteeringPlan atPre = SteeringPlan.of(pre, Additive.of(v, 2.0));
    float[][] a = model.logits(ids, atPost);
    float[][] b = model.logits(ids, atPre);
    for (int i = 0; i < ids.length; i++) {
      assertArrayEquals(a[i], b[i], e + " logits at " + i);
    }
    float[][] capturedA = model.capture(ids, List.of(pre), atPost).at(pre);
    float[][] capturedB = model.capture(ids, List.of(pre), atPre).at(pre);
    for (int i = 0; i < ids.length; i++) {
      assertArrayEquals(capturedA[i], capturedB[i], e + " capture at " + i);
    }
    assertFalse(java.util.Arrays.deepEquals(a, model.logits(ids, SteeringPlan.empty())), "the vector steers");
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void cachedSteeredDecodingEqualsFullRecomputation(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    int d = model.shape().hiddenSize();
    SteeringPlan plan = SteeringPlan.builder()
        .add(HookPoint.residPost(0), Additive.of(randomVector(d, 4), 3.0), TokenScope.fromStep(2))
        .add(HookPoint.residMid(1), PlaneRotation.of(
            RotationPlane.orthonormalize(randomVector(d, 5), randomVector(d, 6)), 40), TokenScope.prompt())
        .build();
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).returnLogits(true)
        .stopTokenIds(Set.of()).build();
    Generation g = model.generate(RealExports.PROMPT_B, plan, cfg);
    int[] prompt = g.promptTokens();
    float[][] full = model.logits(concat(prompt, g.tokens()), prompt.length, plan);
    List<float[]> steps = g.stepLogits();
    float worst = 0;
    for (int t = 0; t < steps.size(); t++) {
      worst = Math.max(worst, worstRelative(full[prompt.length - 1 + t], steps.get(t)));
    }
    System.out.printf("%s: cached vs recomputed steered logits, worst relative error %.3g%n", e, worst);
    assertTrue(worst <= tolerance(e), e + ": worst relative error " + worst);
  }

  private static List<Intervention> everyKind(int d) {
    SteeringVector v = randomVector(d, 7);
    RotationPlane plane = RotationPlane.orthonormalize(randomVector(d, 8), randomVector(d, 9));
    return List.of(Additive.of(v, 3.0), new Ablation(v, 1.0), new Clamp(v, -2.0), AngularRotation.of(plane, 120),
        PlaneRotation.of(plane, 60), SlerpTowards.of(v, 0.7));
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void everyInterventionKindSteers(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    int[] ids = RealExports.PROMPT_B;
    float[][] unsteered = model.logits(ids, SteeringPlan.empty());
    HookPoint h = HookPoint.residMid(1);
    for (Intervention iv : everyKind(model.shape().hiddenSize())) {
      float[][] steered = model.logits(ids, SteeringPlan.of(h, iv));
      assertFalse(java.util.Arrays.deepEquals(unsteered, steered), e + ": " + iv.kind() + " at " + h);
    }
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void everySiteTheGraphExposesSteers(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    int[] ids = RealExports.PROMPT_B;
    float[][] unsteered = model.logits(ids, SteeringPlan.empty());
    Additive add = Additive.of(randomVector(model.shape().hiddenSize(), 7), 3.0);
    for (HookPoint h : model.residualStream().hookPoints()) {
      if (h.layer() == model.shape().layers() - 1) {
        float[][] steered = model.logits(ids, SteeringPlan.of(h, add));
        assertFalse(java.util.Arrays.deepEquals(unsteered, steered), e + ": additive at " + h);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RealExports.class)
  void rotationsKeepTheRowNorm(RealExports e) {
    OnnxSteerableModel model = MODELS.get(e);
    int d = model.shape().hiddenSize();
    int[] ids = RealExports.PROMPT_B;
    RotationPlane plane = RotationPlane.orthonormalize(randomVector(d, 8), randomVector(d, 9));
    HookPoint h = HookPoint.residMid(1);
    float[][] before = model.capture(ids, List.of(h), SteeringPlan.empty()).at(h);
    for (Intervention rotation : List.of(PlaneRotation.of(plane, 60), AngularRotation.of(plane, 120),
        SlerpTowards.of(randomVector(d, 7), 0.7))) {
      float[][] after = model.capture(ids, List.of(h), SteeringPlan.of(h, rotation)).at(h);
      for (int i = 0; i < ids.length; i++) {
        double n0 = norm(before[i]);
        double n1 = norm(after[i]);
        assertEquals(n0, n1, 1e-3 * n0, e + " " + rotation.kind() + " row " + i);
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
