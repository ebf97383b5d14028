package dev.steer.examples.bench;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Ablation;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the extras cost next to plain steered generation at batch 1: per-step metrics, activation capture
 * during compared generation, and compiling a new plan shape.
 */
final class CostSection {

  private CostSection() {}

  /**
   * NextTokenStats (k = 1000) and DistributionShift on real vocabulary-size logit rows, in µs per call
   * and as a share of one steered decoding step.
   */
  static String metrics(BenchSubject s, BenchOptions o) throws Exception {
    String prompt = s.prompts(1, o.promptWords(), 11).get(0);
    int n = o.newTokens();
    GenerationConfig greedy = GenerationConfig.greedy(n);
    ComparedGeneration cg = s.steer.generateCompared(prompt, s.oneLayer, greedy, Set.of());
    double[][] steered = Alternating.tokensPerSecond(
        List.of(() -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, s.oneLayer, greedy)), n)),
        o.warmup(), o.reps());
    double stepMicros = 1e6 / Spread.of(steered[0]).median();
    NextTokenStats stats = new NextTokenStats();
    double sink = 0;
    int passes = Math.max(3, o.reps());
    double[] statsMicros = new double[passes];
    double[] shiftMicros = new double[passes];
    for (int warm = 0; warm < 3; warm++) {
      for (int t = 0; t < cg.steps(); t++) {
        sink += stats.measure(cg.steeredLogits().get(t)).entropy();
        sink += DistributionShift.between(cg.steeredLogits().get(t), cg.unsteeredLogits().get(t)).kl();
      }
    }
    for (int p = 0; p < passes; p++) {
      long start = System.nanoTime();
      for (int t = 0; t < cg.steps(); t++) {
        sink += stats.measure(cg.steeredLogits().get(t)).branchingFactor();
      }
      statsMicros[p] = (System.nanoTime() - start) / 1e3 / cg.steps();
      start = System.nanoTime();
      for (int t = 0; t < cg.steps(); t++) {
        sink += DistributionShift.between(cg.steeredLogits().get(t), cg.unsteeredLogits().get(t)).jensenShannon();
      }
      shiftMicros[p] = (System.nanoTime() - start) / 1e3 / cg.steps();
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("a metric was NaN");
    }
    Spread st = Spread.of(statsMicros);
    Spread sh = Spread.of(shiftMicros);
    return String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %.1f %% | %s | %.1f %% |%n", s.spec.architecture(),
        s.spec.vocab(), stepMicros, st.format(1), 100 * st.median() / stepMicros, sh.format(1),
        100 * sh.median() / stepMicros);
  }

  static final String METRICS_HEADER = "| model | V | steered step µs (batch 1) | NextTokenStats µs/step"
      + " | share | DistributionShift µs/step | share |\n|---|---|---|---|---|---|---|\n";

  /** generate vs generateCompared (two batch rows: steered + unsteered replay) with 0, 1 and all captures. */
  static String capture(BenchSubject s, BenchOptions o) throws Exception {
    String prompt = s.prompts(1, o.promptWords(), 13).get(0);
    int n = o.newTokens();
    GenerationConfig greedy = GenerationConfig.greedy(n);
    Set<HookPoint> all = new java.util.HashSet<>();
    for (int l = 0; l < s.spec.layers(); l++) {
      all.add(HookPoint.residPost(l));
    }
    List<Alternating.Variant> variants = List.of(
        () -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, s.oneLayer, greedy)), n),
        () -> compared(s, prompt, greedy, Set.of(), n),
        () -> compared(s, prompt, greedy, Set.of(s.middle), n),
        () -> compared(s, prompt, greedy, all, n));
    double[][] w = Alternating.tokensPerSecond(variants, o.warmup(), o.reps());
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %.3f | %.3f | %.3f |%n",
        s.spec.architecture(), Spread.of(w[0]).median(), Spread.of(w[1]).median(), Spread.of(w[2]).median(),
        Spread.of(w[3]).median(), Spread.ofRatios(w[1], w[0]).format(3), Spread.ofRatios(w[2], w[0]).format(3),
        Spread.ofRatios(w[3], w[0]).format(3), Spread.bestRatio(w[1], w[0]), Spread.bestRatio(w[2], w[0]),
        Spread.bestRatio(w[3], w[0]));
  }

  static final String CAPTURE_HEADER = "| model | generate tok/s | compared, no capture | compared, 1 layer"
      + " | compared, all layers | none/gen | 1 layer/gen | all/gen | best none/gen"
      + " | best 1 layer/gen | best all/gen |\n|---|---|---|---|---|---|---|---|---|---|---|\n";

  private static int compared(BenchSubject s, String prompt, GenerationConfig config, Set<HookPoint> captures,
      int n) {
    ComparedGeneration cg = s.steer.generateCompared(prompt, s.oneLayer, config, captures);
    int captured = cg.steeredActivations().isEmpty() ? 0 : cg.steeredActivations().get(0).size();
    if (cg.steps() != n || captured != captures.size()) {
      throw new IllegalStateException("compared generation recorded " + cg.steps() + " steps and " + captured
          + " captures; expected " + n + " and " + captures.size());
    }
    return BenchSubject.checkedLength(List.of(cg.steered()), n);
  }

  /**
   * generate with a streaming listener (text decoded after every token, as all generations did before
   * the runtime learned to decode once at the end) against generate without one, at the memory run's
   * generation length where the per-token decode of the growing text costs most.
   */
  static String streaming(BenchSubject s, BenchOptions o) throws Exception {
    String prompt = s.prompts(1, o.promptWords(), 23).get(0);
    int n = o.memoryGenerationLength();
    GenerationConfig greedy = GenerationConfig.greedy(n);
    dev.steer.onnx.generate.TokenListener ignore = (row, token, delta) -> { };
    double[][] w = Alternating.tokensPerSecond(List.of(
        () -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, SteeringPlan.empty(), greedy)), n),
        () -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, SteeringPlan.empty(), greedy, ignore)),
            n)), o.warmup(), o.reps());
    return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %s | %.3f | %.0f |%n", s.spec.architecture(), n,
        Spread.of(w[0]).median(), Spread.of(w[1]).median(), Spread.ofRatios(w[1], w[0]).format(3),
        Spread.bestRatio(w[1], w[0]), 1e6 * (1 / Spread.of(w[1]).max() - 1 / Spread.of(w[0]).max()));
  }

  static final String STREAMING_HEADER = "| model | tokens | no listener tok/s | listener tok/s | listener/none"
      + " | best listener/none | extra µs/token (best) |\n|---|---|---|---|---|---|---|\n";

  /**
   * A one-token generation with a plan of a shape not seen before (ablation at block l, compiled on this
   * call) against the same shape again with another direction (cached session), for every block. The
   * memory a new shape costs is measured apart, in a fresh JVM, by {@link ShapeMemory}.
   */
  static String compile(BenchSubject s, BenchOptions o) {
    String prompt = s.prompts(1, o.promptWords(), 17).get(0);
    GenerationConfig one = GenerationConfig.greedy(1);
    int layers = s.spec.layers();
    double[] first = new double[layers];
    double[] cached = new double[layers];
    List<Object> sink = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      HookPoint h = HookPoint.residPost(l);
      long start = System.nanoTime();
      sink.add(s.steer.generate(prompt, SteeringPlan.of(h, Ablation.of(s.randomDirection(500 + l))), one));
      first[l] = (System.nanoTime() - start) / 1e6;
      start = System.nanoTime();
      sink.add(s.steer.generate(prompt, SteeringPlan.of(h, Ablation.of(s.randomDirection(900 + l))), one));
      cached[l] = (System.nanoTime() - start) / 1e6;
    }
    Spread f = Spread.of(first);
    Spread c = Spread.of(cached);
    return String.format(Locale.ROOT, "| %s | %d | %s | %s | %.0f× |%n", s.spec.architecture(), layers,
        f.format(1), c.format(2), f.median() / c.median());
  }

  static final String COMPILE_HEADER = "| model | new shapes | first call ms (compile + 1 token) | cached call ms"
      + " | ratio |\n|---|---|---|---|---|\n";
}
