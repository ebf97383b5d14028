package dev.steer.examples.demo;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.testbed.Concept;
import dev.steer.testbed.ConceptVectors;
import dev.steer.testbed.ContrastivePair;
import dev.steer.testbed.ContrastivePrompts;
import dev.steer.testbed.Judge;
import dev.steer.testbed.Testbed;
import dev.steer.testbed.Verdict;
import dev.steer.vector.SteeringVector;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The main job: steering the shipped testbed model towards a few concepts, judged exactly by the testbed's
 * grammar. For each concept it extracts a mean-difference vector from contrastive stories, prints the
 * unsteered and steered stories continuing a neutral prompt with their concept and fluency scores, then a
 * strength sweep with success rates, the normalised branching factor and the KL divergence to the
 * unsteered model.
 */
public final class Demo {

  /** Concepts the demo steers towards. */
  static final List<String> CONCEPTS = List.of("angry", "london");
  /** Strengths, as multiples of the mean residual norm at the steered layer. */
  static final double[] RELATIVE_STRENGTHS = {0, 0.2, 0.4, 0.5, 0.55, 0.6, 0.7, 1, 2};
  static final int PAIRS = 32;
  static final int SAMPLES = 16;
  static final String PROMPT = ContrastivePrompts.NEUTRAL_PREFIXES.get(0);

  private Demo() {}

  public static void main(String[] args) throws Exception {
    PrintWriter out = new PrintWriter(System.out, true);
    run(out);
    out.flush();
  }

  /** Runs the demo, printing to {@code out}. */
  public static void run(PrintWriter out) throws Exception {
    long start = System.nanoTime();
    try (OnnxSteerableModel model = Testbed.open()) {
      Judge judge = Testbed.judge();
      HookPoint layer = Testbed.steeringLayer(model);
      out.printf(Locale.ROOT, "Steer demo: the testbed model (%s, %d layers, d=%d, %d tokens), ONNX Runtime on CPU%n",
          model.config().modelType(), model.shape().layers(), model.shape().hiddenSize(), model.config().vocabSize());
      double residualNorm = Testbed.residualNorm(model, layer);
      out.printf(Locale.ROOT, "Steering at %s (mean residual norm there: %.2f); prompt: \"%s\"%n%n",
          layer, residualNorm, PROMPT);
      for (String name : CONCEPTS) {
        Concept concept = Testbed.grammar().concept(name);
        SteeringVector v = extract(model, concept, layer).unit();
        out.printf(Locale.ROOT, "== %s (%s) — mean-difference vector from %d contrastive story pairs%n",
            concept.name(), concept.family(), PAIRS);
        double best = sweep(out, model, judge, concept, layer, v, residualNorm);
        out.printf(Locale.ROOT, "   side by side at α=%.1f, the strength with the most successes (same seeds):%n", best);
        for (long seed = 101; seed <= 103; seed++) {
          GenerationConfig sample = Testbed.wholeStory(model, PROMPT, seed);
          Generation plain = model.generate(PROMPT, SteeringPlan.empty(), sample);
          Generation steered = model.generate(PROMPT, plan(layer, v, best), sample);
          print(out, "unsteered", plain, judge.score(PROMPT, plain.text(), concept));
          print(out, "steered", steered, judge.score(PROMPT, steered.text(), concept));
        }
        out.println();
      }
    }
    out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  private static SteeringPlan plan(HookPoint layer, SteeringVector v, double alpha) {
    return SteeringPlan.of(layer, Additive.of(v, alpha), TokenScope.all());
  }

  static SteeringVector extract(OnnxSteerableModel model, Concept concept, HookPoint layer) {
    List<ContrastivePair> pairs = ContrastivePrompts.pairs(Testbed.grammar(), concept, PAIRS, 1);
    return ConceptVectors.extract(model, Testbed.grammar(), concept, pairs, layer, ExtractionMethod.MEAN_DIFFERENCE);
  }

  /** Prints the sweep table; returns the strength with the most successes. */
  private static double sweep(PrintWriter out, OnnxSteerableModel model, Judge judge, Concept concept,
      HookPoint layer, SteeringVector v, double residualNorm) {
    out.printf(Locale.ROOT, "   strength sweep, %d whole stories each (temperature 1):%n", SAMPLES);
    out.printf(Locale.ROOT, "   %8s %8s %8s %8s %10s %8s %10s%n",
        "α", "concept", "fluency", "success", "over-steer", "NBF", "KL");
    NextTokenStats stats = new NextTokenStats();
    double baselineBf = Double.NaN;
    double bestAlpha = 0;
    int bestSuccess = -1;
    for (double rel : RELATIVE_STRENGTHS) {
      double alpha = rel * residualNorm;
      double conceptSum = 0;
      double fluencySum = 0;
      int success = 0;
      int over = 0;
      double bfSum = 0;
      double klSum = 0;
      int steps = 0;
      for (int s = 0; s < SAMPLES; s++) {
        GenerationConfig cfg = Testbed.wholeStory(model, PROMPT, s + 1);
        ComparedGeneration c = model.generateCompared(PROMPT, plan(layer, v, alpha), cfg, Set.of());
        Verdict verdict = judge.score(PROMPT, c.steered().text(), concept);
        conceptSum += verdict.conceptScore();
        fluencySum += verdict.fluency();
        success += verdict.label() == Verdict.Label.SUCCESS ? 1 : 0;
        over += verdict.label() == Verdict.Label.OVER_STEER ? 1 : 0;
        for (int t = 0; t < c.steps(); t++) {
          bfSum += stats.measure(c.steeredLogits().get(t)).branchingFactor();
          klSum += DistributionShift.kl(c.steeredLogits().get(t), c.unsteeredLogits().get(t));
          steps++;
        }
      }
      double bf = bfSum / steps;
      if (success > bestSuccess) {
        bestSuccess = success;
        bestAlpha = alpha;
      }
      if (rel == 0) {
        baselineBf = bf;
      }
      out.printf(Locale.ROOT, "   %8.1f %8.2f %8.2f %6d/%d %8d/%d %8.2f %10.3f%n", alpha, conceptSum / SAMPLES,
          fluencySum / SAMPLES, success, SAMPLES, over, SAMPLES, bf / baselineBf, klSum / steps);
    }
    return bestAlpha;
  }

  private static void print(PrintWriter out, String label, Generation g, Verdict v) {
    out.printf(Locale.ROOT, "   %-10s concept %.2f  fluency %.2f  %-11s | %s%n", label, v.conceptScore(),
        v.fluency(), v.label(), g.text());
  }
}
