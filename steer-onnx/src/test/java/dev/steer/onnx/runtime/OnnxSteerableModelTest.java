package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Ablation;
import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Clamp;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.Sequence;
import dev.steer.intervention.SlerpTowards;
import dev.steer.onnx.Activations;
import ai.onnx.proto.OnnxMl.ModelProto;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.reference.ReferenceDecoder;
import dev.steer.plan.PlanValidationException;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ONNX backend against the plain-Java reference forward pass, on small random-weight GPT-2-, Llama-
 * and Gemma-2-shaped exports that the tests write themselves.
 */
class OnnxSteerableModelTest {
  private static final double TOLERANCE = 1e-4;
  private static final int D = 64;
  private static final String PROMPT = "w3 w14 w15 w9 w26";

  @TempDir static Path root;
  private static final Map<Architecture, OnnxSteerableModel> MODELS = new EnumMap<>(Architecture.class);
  private static final Map<Architecture, ReferenceDecoder> REFERENCES = new EnumMap<>(Architecture.class);

  @BeforeAll
  static void openModels() throws IOException {
    for (Architecture a : Architecture.values()) {
      MODELS.put(a, OnnxSteerableModel.open(TinyModelDirs.write(a, root.resolve(a.name()))));
      REFERENCES.put(a, new ReferenceDecoder(TinyModelDirs.weights(a)));
    }
  }

  @AfterAll
  static void closeModels() {
    MODELS.values().forEach(OnnxSteerableModel::close);
  }

  private static SteeringVector randomVector(long seed) {
    Random r = new Random(seed);
    float[] v = new float[D];
    for (int i = 0; i < D; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v);
  }

  private static RotationPlane plane() {
    return RotationPlane.orthonormalize(randomVector(11), randomVector(12));
  }

  private static void assertClose(double[][] expected, float[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": rows");
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double err = Math.abs(expected[i][j] - actual[i][j]) / Math.max(1, Math.abs(expected[i][j]));
        worst = Math.max(worst, err);
      }
    }
    assertTrue(worst <= TOLERANCE, what + ": worst relative error " + worst);
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertClose(new double[][] {toDouble(expected)}, new float[][] {actual}, what);
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void unsteeredLogitsMatchTheReference(Architecture a) {
    OnnxSteerableModel m = MODELS.get(a);
    int[] tokens = m.encode(PROMPT);
    assertClose(REFERENCES.get(a).forward(tokens).logits(), m.logits(tokens, SteeringPlan.empty()), a + " logits");
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void capturedActivationsMatchTheReferenceAtEverySite(Architecture a) {
    OnnxSteerableModel m = MODELS.get(a);
    List<HookPoint> all = m.residualStream().hookPoints();
    Activations acts = m.capture(PROMPT, all, SteeringPlan.empty());
    ReferenceDecoder.Result ref = REFERENCES.get(a).forward(m.encode(PROMPT));
    for (HookPoint h : all) {
      assertClose(ref.activation(h), acts.at(h), a + " " + h);
    }
  }

  private static List<Intervention> everyKind() {
    SteeringVector v = randomVector(5);
    return List.of(
        Additive.of(v, 3.0),
        new Ablation(v, 1.0),
        new Clamp(v, -2.0),
        AngularRotation.of(plane(), 200),
        AngularRotation.adaptive(plane(), 75),
        PlaneRotation.of(plane(), 40),
        SlerpTowards.of(v, 0.7),
        Sequence.of(new Ablation(v, 0.5), Additive.of(randomVector(6), -1.5)));
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void everyInterventionKindMatchesTheReferenceOnTheSelectedPositions(Architecture a) {
    OnnxSteerableModel m = MODELS.get(a);
    int[] tokens = m.encode(PROMPT);
    List<HookPoint> sites = List.of(HookPoint.residPre(0), HookPoint.attnOut(0), HookPoint.residMid(1),
        HookPoint.mlpOut(1), HookPoint.residPost(0));
    int i = 0;
    for (Intervention iv : everyKind()) {
      HookPoint h = sites.get(i++ % sites.size());
      SteeringPlan plan = SteeringPlan.of(h, iv, TokenScope.positions(1, 3, 4));
      double[][] expected = REFERENCES.get(a)
          .forward(tokens, List.of(new ReferenceDecoder.Steering(h, p -> p == 1 || p == 3 || p == 4, iv)))
          .logits();
      assertClose(expected, m.logits(tokens, plan), a + " " + iv.kind() + " at " + h);
    }
  }

  @Test
  void entriesSharingAHookPointKeepTheirOwnScopes() {
    OnnxSteerableModel m = MODELS.get(Architecture.LLAMA);
    int[] tokens = m.encode(PROMPT);
    HookPoint h = HookPoint.residPost(1);
    Additive first = Additive.of(randomVector(21), 2.0);
    Ablation second = new Ablation(randomVector(22), 1.0);
    SteeringPlan plan = SteeringPlan.builder()
        .add(h, first, TokenScope.positions(0, 1, 2))
        .add(h, second, TokenScope.positions(2, 3))
        .build();
    double[][] expected = REFERENCES.get(Architecture.LLAMA).forward(tokens, List.of(
        new ReferenceDecoder.Steering(h, p -> p <= 2, first),
        new ReferenceDecoder.Steering(h, p -> p == 2 || p == 3, second))).logits();
    assertClose(expected, m.logits(tokens, plan), "two scoped entries");
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void cachedSteeredDecodingEqualsFullRecomputation(Architecture a) {
    OnnxSteerableModel m = MODELS.get(a);
    SteeringPlan plan = SteeringPlan.builder()
        .add(HookPoint.residPost(0), Additive.of(randomVector(3), 4.0), TokenScope.fromStep(2))
        .add(HookPoint.mlpOut(1), PlaneRotation.of(plane(), 30), TokenScope.prompt())
        .build();
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).returnLogits(true)
        .stopTokenIds(Set.of()).build();
    Generation g = m.generate(PROMPT, plan, cfg);
    int[] prompt = g.promptTokens();
    int[] generated = g.tokens();
    int[] all = new int[prompt.length + generated.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(generated, 0, all, prompt.length, generated.length);
    float[][] full = m.logits(all, prompt.length, plan);
    List<float[]> steps = g.stepLogits();
    assertEquals(generated.length, steps.size());
    for (int t = 0; t < steps.size(); t++) {
      assertClose(full[prompt.length - 1 + t], steps.get(t), a + " step " + t);
    }
  }

  @Test
  void generationStopsAtEosAndStreamsEachToken() {
    OnnxSteerableModel m = MODELS.get(Architecture.GPT2);
    List<String> deltas = new ArrayList<>();
    Generation g = m.generate(PROMPT, SteeringPlan.empty(), GenerationConfig.greedy(12),
        (row, token, delta) -> deltas.add(delta));
    assertEquals(g.tokens().length, deltas.size());
    assertEquals(g.text(), String.join("", deltas));
    if (g.stopReason() == Generation.StopReason.STOP_TOKEN) {
      assertEquals(2, g.tokens()[g.tokens().length - 1]);
    } else {
      assertEquals(12, g.tokens().length);
    }
  }

  @Test
  void seededSamplingIsReproducible() {
    OnnxSteerableModel m = MODELS.get(Architecture.LLAMA);
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(10).temperature(1.0).topK(20).topP(0.95)
        .repetitionPenalty(1.1).seed(99).build();
    SteeringPlan plan = SteeringPlan.of(HookPoint.residPost(1), Additive.of(randomVector(8), 2.0));
    assertEquals(m.generate(PROMPT, plan, cfg), m.generate(PROMPT, plan, cfg));
  }

  @Test
  void additiveWithZeroStrengthLeavesLogitsBitIdentical() {
    OnnxSteerableModel m = MODELS.get(Architecture.GEMMA2);
    int[] tokens = m.encode(PROMPT);
    float[][] plain = m.logits(tokens, SteeringPlan.empty());
    float[][] zero = m.logits(tokens, SteeringPlan.of(HookPoint.residPost(0), Additive.of(randomVector(1), 0.0)));
    for (int i = 0; i < plain.length; i++) {
      assertArrayEquals(plain[i], zero[i], "position " + i);
    }
  }

  @Test
  void steeringChangesTheOutput() {
    OnnxSteerableModel m = MODELS.get(Architecture.GPT2);
    int[] tokens = m.encode(PROMPT);
    float[][] plain = m.logits(tokens, SteeringPlan.empty());
    float[][] steered = m.logits(tokens, SteeringPlan.of(HookPoint.residPost(0), Additive.of(randomVector(1), 8.0)));
    assertNotEquals(plain[tokens.length - 1][5], steered[tokens.length - 1][5]);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void batchedGenerationWithPerRowPlansEqualsSingleRuns(Architecture a) {
    OnnxSteerableModel m = MODELS.get(a);
    List<String> prompts = List.of("w1 w2", "w5 w6 w7 w8 w9 w10", "w40 w41 w42 w43");
    HookPoint h = HookPoint.residPost(0);
    List<SteeringPlan> plans = List.of(
        SteeringPlan.of(h, Additive.of(randomVector(31), 3.0), TokenScope.generated()),
        SteeringPlan.of(h, Additive.of(randomVector(32), -2.0), TokenScope.all()),
        SteeringPlan.of(h, Additive.of(randomVector(33), 0.5), TokenScope.lastPromptToken()));
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(6).returnLogits(true).build();
    List<Generation> batch = m.generateBatch(prompts, plans, cfg);
    for (int r = 0; r < prompts.size(); r++) {
      Generation alone = m.generate(prompts.get(r), plans.get(r), cfg);
      assertArrayEquals(alone.tokens(), batch.get(r).tokens(), a + " row " + r);
      assertEquals(alone.stepLogits().size(), batch.get(r).stepLogits().size(), a + " row " + r);
      for (int t = 0; t < alone.stepLogits().size(); t++) {
        assertClose(alone.stepLogits().get(t), batch.get(r).stepLogits().get(t), a + " row " + r + " step " + t);
      }
    }
  }

  /** A row that stops early keeps one logit row per token it wrote, as it would alone. */
  @Test
  void aRowThatStopsEarlyInABatchRecordsOnlyItsOwnSteps() {
    OnnxSteerableModel m = MODELS.get(Architecture.LLAMA);
    List<String> prompts = List.of("w1 w2", "w5 w6 w7 w8 w9 w10");
    GenerationConfig open = GenerationConfig.builder().maxNewTokens(6).returnLogits(true).build();
    int first = m.generate(prompts.get(0), SteeringPlan.empty(), open).tokens()[0];
    GenerationConfig cfg = open.toBuilder().stopTokenIds(Set.of(first)).build();
    List<Generation> batch = m.generateBatch(prompts, List.of(SteeringPlan.empty(), SteeringPlan.empty()), cfg);
    for (int r = 0; r < prompts.size(); r++) {
      Generation alone = m.generate(prompts.get(r), SteeringPlan.empty(), cfg);
      assertArrayEquals(alone.tokens(), batch.get(r).tokens(), "row " + r);
      assertEquals(alone.tokens().length, batch.get(r).stepLogits().size(), "row " + r);
      for (int t = 0; t < alone.stepLogits().size(); t++) {
        assertClose(alone.stepLogits().get(t), batch.get(r).stepLogits().get(t), "row " + r + " step " + t);
      }
    }
    assertEquals(1, batch.get(0).tokens().length);
    assertTrue(batch.get(1).tokens().length > 1, "the other row must go on for the test to mean anything");
  }

  @Test
  void comparedGenerationPairsSteeredAndUnsteeredDistributionsOfTheSameContext() {
    OnnxSteerableModel m = MODELS.get(Architecture.LLAMA);
    HookPoint h = HookPoint.residPost(1);
    SteeringPlan plan = SteeringPlan.of(h, Additive.of(randomVector(4), 6.0));
    ComparedGeneration c = m.generateCompared(PROMPT, plan, GenerationConfig.greedy(5), Set.of(h));
    int[] prompt = c.steered().promptTokens();
    int[] gen = c.steered().tokens();
    int[] all = new int[prompt.length + gen.length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(gen, 0, all, prompt.length, gen.length);
    float[][] unsteered = m.logits(all, SteeringPlan.empty());
    float[][] steered = m.logits(all, prompt.length, plan);
    Activations acts = m.capture(String.join(" ", m.decode(all).split(" ")), List.of(h), SteeringPlan.empty());
    for (int t = 0; t < c.steps(); t++) {
      int p = prompt.length - 1 + t;
      assertClose(unsteered[p], c.unsteeredLogits().get(t), "unsteered step " + t);
      assertClose(steered[p], c.steeredLogits().get(t), "steered step " + t);
      assertClose(acts.at(h)[p], c.unsteeredActivations().get(t).get(h), "unsteered activation step " + t);
    }
  }

  @Test
  void badInputIsRejectedByNameAndTheModelStaysUsable() {
    OnnxSteerableModel m = MODELS.get(Architecture.GPT2);
    GenerationConfig cfg = GenerationConfig.greedy(4);
    Generation before = m.generate(PROMPT, SteeringPlan.empty(), cfg);
    PlanValidationException size = assertThrows(PlanValidationException.class, () -> m.generate(PROMPT,
        SteeringPlan.of(HookPoint.residPost(0), Additive.of(SteeringVector.zeros(D + 1), 1)), cfg));
    assertTrue(size.getMessage().contains("hidden size is 64"), size.getMessage());
    PlanValidationException layer = assertThrows(PlanValidationException.class, () -> m.generate(PROMPT,
        SteeringPlan.of(HookPoint.residPost(2), Additive.of(randomVector(1), 1)), cfg));
    assertTrue(layer.getMessage().contains("layer 2 does not exist"), layer.getMessage());
    PlanValidationException scope = assertThrows(PlanValidationException.class, () -> m.generate(PROMPT,
        SteeringPlan.of(HookPoint.residPost(0), Additive.of(randomVector(1), 1), TokenScope.positions(40)), cfg));
    assertTrue(scope.getMessage().contains("selects no position"), scope.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> m.generate("", SteeringPlan.empty(), GenerationConfig.builder().maxNewTokens(2).build()));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> m.generate("w1 ".repeat(45), SteeringPlan.empty(), cfg));
    assertTrue(tooLong.getMessage().contains("context of 48"), tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SteeringVector.of(new float[] {1f, Float.NaN}));
    IllegalArgumentException capture = assertThrows(IllegalArgumentException.class,
        () -> m.capture(PROMPT, List.of(HookPoint.residPost(9)), SteeringPlan.empty()));
    assertTrue(capture.getMessage().contains("2 layers"), capture.getMessage());
    assertEquals(before, m.generate(PROMPT, SteeringPlan.empty(), cfg));
  }

  @Test
  void openingBrokenDirectoriesNamesTheProblem(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing");
    assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(missing));

    Path corrupt = TinyModelDirs.write(Architecture.GPT2, dir.resolve("corrupt"));
    Files.write(corrupt.resolve("model.onnx"), new byte[] {1, 2, 3, 4, 5});
    ModelLoadException bad = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(corrupt));
    assertTrue(bad.getMessage().contains("model.onnx"), bad.getMessage());

    Path bigTokenizer = TinyModelDirs.write(Architecture.GPT2, dir.resolve("tok"));
    List<String> more = new ArrayList<>(TinyModelDirs.words());
    more.add("extra");
    dev.steer.onnx.export.WordLevelTokenizerJson.of(more, true).writeTo(bigTokenizer);
    // a tokenizer larger than the model opens with a warning; text that encodes past the vocabulary is refused
    try (OnnxSteerableModel m = OnnxSteerableModel.open(bigTokenizer)) {
      assertTrue(m.warnings().get(0).contains("vocabulary has 80"), m.warnings().toString());
      IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
          () -> m.generate("w1 extra", SteeringPlan.empty(), GenerationConfig.greedy(2)));
      assertTrue(past.getMessage().contains("outside the model's vocabulary of 80"), past.getMessage());
      assertEquals(2, m.generate("w1 w2", SteeringPlan.empty(), GenerationConfig.greedy(2)).tokens().length);
    }

    Path noHeads = TinyModelDirs.write(Architecture.GPT2, dir.resolve("heads"));
    Path config = noHeads.resolve("config.json");
    Files.writeString(config, Files.readString(config).replaceAll("\"n_head\"\\s*:\\s*\\d+", "\"n_head\": 0"));
    ModelLoadException heads = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(noHeads));
    assertTrue(heads.getMessage().contains("config.json"), heads.getMessage());

    // ORT runs opset 10, but the rewriter needs 11: open must say so and release what it took
    Path oldOpset = TinyModelDirs.write(Architecture.GPT2, dir.resolve("opset"));
    Path graph = oldOpset.resolve("model.onnx");
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(graph));
    ModelProto.Builder b = proto.toBuilder();
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      if (b.getOpsetImport(i).getDomain().isEmpty()) {
        b.setOpsetImport(i, b.getOpsetImport(i).toBuilder().setVersion(10));
      }
    }
    Files.write(graph, b.build().toByteArray());
    ModelLoadException opset = assertThrows(ModelLoadException.class, () -> OnnxSteerableModel.open(oldOpset));
    assertTrue(opset.getMessage().contains("model.onnx") && opset.getMessage().contains("opset"),
        opset.getMessage());
  }

  @Test
  void aClosedModelSaysSo(@TempDir Path dir) throws IOException {
    OnnxSteerableModel m = OnnxSteerableModel.open(TinyModelDirs.write(Architecture.GPT2, dir));
    m.close();
    for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
        () -> m.encode(PROMPT),
        () -> m.decode(new int[] {1}),
        () -> m.capture(PROMPT, List.of(HookPoint.residPost(0)), SteeringPlan.empty()),
        () -> m.generate(PROMPT, SteeringPlan.empty(), GenerationConfig.greedy(2)))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call);
      assertTrue(e.getMessage().contains("this model is closed"), e.getMessage());
    }
  }

  /** The last generated token is never run through the model, so a scope that selects only it is refused. */
  @Test
  void aScopeThatSelectsOnlyTheLastGeneratedTokenIsRefused() {
    OnnxSteerableModel m = MODELS.get(Architecture.GPT2);
    int p = m.encode(PROMPT).length;
    GenerationConfig four = GenerationConfig.builder().maxNewTokens(4).stopTokenIds(Set.of()).build();
    SteeringVector v = randomVector(8);
    // fromStep(k) steers positions ≥ P − 1 + k; the model runs positions 0 … P + 2 for 4 new tokens
    PlanValidationException last = assertThrows(PlanValidationException.class,
        () -> m.generate(PROMPT, SteeringPlan.of(HookPoint.residPost(0), Additive.of(v, 5), TokenScope.fromStep(4)),
            four));
    assertTrue(last.getMessage().contains("selects no position"), last.getMessage());
    Generation steered =
        m.generate(PROMPT, SteeringPlan.of(HookPoint.residPost(0), Additive.of(v, 5), TokenScope.fromStep(3)), four);
    assertEquals(4, steered.tokens().length, "prompt of " + p + " tokens");
  }

  @Test
  void oneModelServesEightThreadsWithEightVectorsExactlyAsAlone() throws Exception {
    OnnxSteerableModel m = MODELS.get(Architecture.LLAMA);
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).temperature(0.8).seed(5).build();
    List<SteeringPlan> plans = new ArrayList<>();
    List<Generation> alone = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      plans.add(SteeringPlan.of(HookPoint.residPost(i % 3), Additive.of(randomVector(100 + i), 1.0 + i)));
      alone.add(m.generate(PROMPT, plans.get(i), cfg));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Generation>> futures = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 8; i++) {
          SteeringPlan p = plans.get(i);
          futures.add(pool.submit((Callable<Generation>) () -> m.generate(PROMPT, p, cfg)));
        }
      }
      for (int k = 0; k < futures.size(); k++) {
        assertEquals(alone.get(k % 8), futures.get(k).get(), "thread task " + k);
      }
    } finally {
      pool.shutdown();
    }
  }
}
