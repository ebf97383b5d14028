package dev.steer.examples.experiment;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.RotationPlane;
import dev.steer.metrics.distribution.NextTokenStats;
import dev.steer.metrics.features.FeatureVector;
import dev.steer.metrics.run.ConceptProbe;
import dev.steer.metrics.run.EarlyFeatures;
import dev.steer.metrics.run.Indicator;
import dev.steer.metrics.run.RunIndicators;
import dev.steer.metrics.run.SteeringIndicators;
import dev.steer.metrics.summary.Statistic;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.testbed.Concept;
import dev.steer.testbed.ConceptVectors;
import dev.steer.testbed.ContrastivePair;
import dev.steer.testbed.ContrastivePrompts;
import dev.steer.testbed.Judge;
import dev.steer.testbed.Testbed;
import dev.steer.testbed.Verdict;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The metrics issue's steerability sweep on the shipped testbed model: for every concept × extraction
 * method × intervention kind × strength × layer × prompt, one sampled, seeded decode (temperature 1,
 * {@code --tokens} new tokens, seed = prompt index), judged by the testbed's grammar, with its run
 * indicators ({@link SteeringIndicators}) and early-token features ({@link EarlyFeatures}) written as one
 * CSV row ({@link ResultsCsv} documents the columns) to {@code OUT/runs.csv}.
 *
 * <p>Vectors: unit {@link ConceptVectors#extract} vectors from 32 contrastive story pairs (seed 1) at
 * {@code blocks.L.hook_resid_post}. Resumable: rerunning with the same {@code --out} skips every run whose
 * key is already in the CSV and cuts a half-written last row. Progress goes to stderr.
 *
 * <p>Usage: {@code SteerabilityExperiment [--concepts a,b] [--methods mean,pca,probe]
 * [--kinds additive,angular,plane,slerp] [--strengths "additive:0,0.3;slerp:0,0.2"] [--layers 2,3]
 * [--prompts N] [--tokens N] [--out DIR] [--full]}.
 */
public final class SteerabilityExperiment {

  static final int PAIRS = 32;
  static final double TEMPERATURE = 1.0;

  private SteerabilityExperiment() {}

  /** Runs the sweep the arguments describe (see the class comment). */
  public static void main(String[] args) throws Exception {
    ExperimentOptions options = ExperimentOptions.parse(args);
    onLargeStack("steer-experiment", () -> {
      try (OnnxSteerableModel model = Testbed.open()) {
        Summary s = run(model, options, System.err);
        System.out.printf(Locale.ROOT, "%d runs done now, %d were already in %s, %.1f s%n", s.ran(), s.skipped(),
            s.csv(), s.seconds());
      }
    });
  }

  /** A task that may throw. */
  interface Task {
    void run() throws Exception;
  }

  /**
   * Runs {@code task} on a thread with a 16 MiB stack: loading the DJL tokenizer library after ONNX
   * Runtime overflows a plain main thread's default stack (SIGSEGV without hs_err; docs/performance.md).
   */
  static void onLargeStack(String name, Task task) throws Exception {
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread worker = new Thread(null, () -> {
      try {
        task.run();
      } catch (Exception e) {
        failure.set(e);
      }
    }, name, 16L << 20);
    worker.start();
    worker.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /** What one invocation did. */
  record Summary(Path csv, long ran, long skipped, double seconds) {}

  /** Runs every run of {@code options} not yet in {@code OUT/runs.csv}; progress to {@code progress}. */
  static Summary run(OnnxSteerableModel model, ExperimentOptions options, PrintStream progress) throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(options.out());
    Path csv = options.out().resolve("runs.csv");
    Set<RunKey> done = ResultsCsv.finishedKeys(csv);
    List<RunKey> todo = new ArrayList<>();
    long skipped = 0;
    for (RunKey k : keys(options)) {
      if (done.contains(k)) {
        skipped++;
      } else {
        todo.add(k);
      }
    }
    Judge judge = Testbed.judge();
    Progress bar = new Progress(progress, todo.size());
    float[][] unembedding = todo.isEmpty() ? null : model.unembedding(); // read from disk once per sweep
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      Setting setting = null;
      for (RunKey k : todo) {
        if (setting == null || !setting.matches(k)) {
          setting = Setting.of(model, k, unembedding);
        }
        out.append(measure(model, judge, setting, k, options.newTokens()));
        bar.step();
      }
    }
    bar.finish();
    return new Summary(csv, todo.size(), skipped, (System.nanoTime() - start) / 1e9);
  }

  /** Every key of the sweep, grouped so that a vector is extracted once per (layer, method, concept). */
  static List<RunKey> keys(ExperimentOptions o) {
    List<RunKey> keys = new ArrayList<>();
    for (int layer : o.layers()) {
      for (ExtractionMethod m : o.methods()) {
        for (String concept : o.concepts()) {
          for (SteeringKind kind : o.kinds()) {
            for (double s : o.strengths().get(kind)) {
              for (int p = 0; p < o.prompts(); p++) {
                keys.add(new RunKey(concept, ExperimentOptions.methodName(m), kind.id(), layer, s, p));
              }
            }
          }
        }
      }
    }
    return keys;
  }

  /**
   * The concept vector, rotation plane, strength scale and unembedding (for concept KL) at one (layer,
   * method, concept).
   */
  record Setting(String concept, String method, int layer, Concept target, HookPoint hook, SteeringVector unit,
      RotationPlane plane, double residualNorm, float[][] unembedding) {

    boolean matches(RunKey k) {
      return k.concept().equals(concept) && k.method().equals(method) && k.layer() == layer;
    }

    static Setting of(OnnxSteerableModel model, RunKey k, float[][] unembedding) {
      Concept target = Testbed.grammar().concept(k.concept());
      HookPoint hook = HookPoint.residPost(k.layer());
      List<ContrastivePair> pairs = ContrastivePrompts.pairs(Testbed.grammar(), target, PAIRS, 1);
      SteeringVector unit = ConceptVectors.extract(model, Testbed.grammar(), target, pairs, hook,
          ExperimentOptions.method(k.method())).unit();
      RotationPlane plane = ConceptVectors.conceptPlane(model, Testbed.grammar(), target, pairs, hook,
          ExperimentOptions.method(k.method()));
      return new Setting(k.concept(), k.method(), k.layer(), target, hook, unit, plane,
          Testbed.residualNorm(model, hook), unembedding);
    }
  }

  static ResultRow measure(OnnxSteerableModel model, Judge judge, Setting s, RunKey k, int newTokens) {
    SteeringKind kind = SteeringKind.parse(k.kind());
    SteeringPlan plan = SteeringPlan.of(s.hook(), kind.intervention(s.unit(), s.plane(), s.residualNorm(), k.strength()));
    String prompt = ContrastivePrompts.NEUTRAL_PREFIXES.get(k.prompt() % ContrastivePrompts.NEUTRAL_PREFIXES.size());
    GenerationConfig config = newTokens == ExperimentOptions.WHOLE_STORY
        ? Testbed.wholeStory(model, prompt, k.prompt())
        : GenerationConfig.sampled(newTokens, TEMPERATURE, k.prompt());
    RunIndicators run = SteeringIndicators.measure(model, prompt, plan, config, NextTokenStats.DEFAULT_TOP_K,
        ConceptProbe.of(s.hook(), s.unembedding(), s.unit()));
    Verdict v = judge.score(prompt, run.generation().text(), s.target());
    double[] indicators = new double[ResultsCsv.INDICATOR_COLUMNS.size()];
    int at = 0;
    for (Indicator i : ResultsCsv.INDICATORS) {
      var summary = run.summary(i);
      for (Statistic st : Statistic.values()) {
        indicators[at++] = summary.get(st);
      }
    }
    indicators[at] = run.meanNbf();
    FeatureVector early = EarlyFeatures.extract(model, prompt, plan, s.hook(), s.unit().norm(),
        kind.alpha(s.residualNorm(), k.strength()), ResultsCsv.EARLY_SCHEMA.base(), config);
    return new ResultRow(k, v.conceptScore(), v.fluency(), v.label(), run.generation().tokens().length,
        indicators, early.values());
  }

  /** A one-line progress bar with the rate and time left, redrawn in place. */
  static final class Progress {
    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    Progress(PrintStream out, int total) {
      this.out = out;
      this.total = total;
    }

    void step() {
      done++;
      double secs = (System.nanoTime() - start) / 1e9;
      double left = done == 0 ? 0 : secs / done * (total - done);
      int width = 30;
      int filled = total == 0 ? width : (int) ((long) width * done / total);
      out.printf(Locale.ROOT, "\r[%s%s] %d/%d runs, %.1f runs/s, %.0f s left ", "#".repeat(filled),
          " ".repeat(width - filled), done, total, done / Math.max(secs, 1e-9), left);
      out.flush();
    }

    void finish() {
      if (total > 0) {
        out.println();
      }
    }
  }
}
