package dev.steer.examples.bench;

import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Tokens per second of (a) the plain ONNX Runtime loop on the original graph, (b) Steer unsteered,
 * (c) Steer with one additive edit at one layer, (d) Steer with an additive edit at every layer, measured
 * alternately in one JVM, and the per-repetition ratios b/a, c/b and d/b; also the ratios of the best
 * repetitions and the extra time per decoding step of Steer's best run over the baseline's best run
 * (batch / tok/s is the time of one step).
 */
final class ThroughputSection {

  static final String HEADER = "| model | batch | (a) ORT tok/s | (b) unsteered | (c) 1 layer | (d) all layers"
      + " | b/a | c/b | d/b | best b/a | best c/b | best d/b | b−a µs/step (best) | tokens a=b |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";

  private ThroughputSection() {}

  /** One table row for {@code batch} rows per call. */
  static String row(BenchSubject s, BenchOptions o, int batch) throws Exception {
    List<String> prompts = s.prompts(batch, o.promptWords(), 7 + batch);
    int[][] ids = s.encode(prompts);
    int n = o.newTokens();
    GenerationConfig greedy = GenerationConfig.greedy(n);
    int[][] reference = s.baseline.generate(ids, n);
    List<Generation> unsteered = steer(s, prompts, SteeringPlan.empty(), greedy);
    int differing = 0;
    for (int r = 0; r < batch; r++) {
      int[] t = unsteered.get(r).tokens();
      for (int i = 0; i < n; i++) {
        differing += t[i] == reference[r][i] ? 0 : 1;
      }
    }
    List<Alternating.Variant> variants = List.of(
        () -> s.baseline.generate(ids, n).length * n,
        () -> BenchSubject.checkedLength(steer(s, prompts, SteeringPlan.empty(), greedy), n),
        () -> BenchSubject.checkedLength(steer(s, prompts, s.oneLayer, greedy), n),
        () -> BenchSubject.checkedLength(steer(s, prompts, s.allLayers, greedy), n));
    double[][] w = Alternating.tokensPerSecond(variants, o.warmup(), o.reps());
    return String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %.3f | %.3f | %.3f | %.0f | %s |%n",
        s.spec.architecture(), batch, Spread.of(w[0]).median(), Spread.of(w[1]).median(),
        Spread.of(w[2]).median(), Spread.of(w[3]).median(), Spread.ofRatios(w[1], w[0]).format(3),
        Spread.ofRatios(w[2], w[1]).format(3), Spread.ofRatios(w[3], w[1]).format(3),
        Spread.bestRatio(w[1], w[0]), Spread.bestRatio(w[2], w[1]), Spread.bestRatio(w[3], w[1]),
        1e6 * batch * (1 / Spread.of(w[1]).max() - 1 / Spread.of(w[0]).max()), differing == 0 ? "yes" : differing + " of " + batch * n + " differ");
  }

  /** Batch 1 through {@code generate}, larger batches through {@code generateBatch} with one plan per row. */
  static List<Generation> steer(BenchSubject s, List<String> prompts, SteeringPlan plan, GenerationConfig config) {
    if (prompts.size() == 1) {
      return List.of(s.steer.generate(prompts.get(0), plan, config));
    }
    return s.steer.generateBatch(prompts, new ArrayList<>(Collections.nCopies(prompts.size(), plan)), config);
  }
}
