package dev.steer.examples.bench;

import dev.steer.onnx.export.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The performance harness: exports random-weight GPT-2- and Llama-shaped decoders into a temporary
 * folder and measures, in one JVM, Steer's generation throughput against a plain ONNX Runtime greedy loop
 * on the original graph (unsteered, steered at one layer, steered at every layer; batch 1 and 8), the
 * cost of per-step metrics, of activation capture and of compiling a new plan shape, and resident memory
 * over a long run. Prints a Markdown report (see {@code docs/performance.md}).
 *
 * <p>Run by hand, e.g. {@code java -cp <classpath> dev.steer.examples.bench.SteerBenchmark --reps 9
 * --device cpu --out /tmp/perf.md}; options are listed in {@link BenchOptions}.
 */
public final class SteerBenchmark {

  private SteerBenchmark() {}

  /**
   * Runs the benchmark with {@code --name value} options and prints the report (also to {@code --out}).
   *
   * @throws IllegalArgumentException naming a bad option
   */
  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    // Loading the DJL tokenizer library after ONNX Runtime overflows the launcher's default 1 MiB main
    // thread stack (SIGSEGV, no hs_err file); a worker thread with a larger stack avoids it.
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread worker = new Thread(null, () -> {
      try {
        String report = run(options);
        System.out.print(report);
        if (options.out() != null) {
          Files.writeString(options.out(), report);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }, "steer-bench", WORKER_STACK_BYTES);
    worker.start();
    worker.join();
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static final long WORKER_STACK_BYTES = 16L << 20;

  /** Runs every section and returns the Markdown report. */
  static String run(BenchOptions o) throws Exception {
    Path root = Files.createTempDirectory("steer-bench");
    try {
      List<BenchSubject> subjects = new ArrayList<>();
      try {
        for (Architecture a : o.architectures()) {
          subjects.add(new BenchSubject(o.model(a), root.resolve(a.name()), o.device()));
        }
        return report(o, subjects);
      } finally {
        for (BenchSubject s : subjects) {
          s.close();
        }
      }
    } finally {
      deleteTree(root);
    }
  }

  private static String report(BenchOptions o, List<BenchSubject> subjects) throws Exception {
    StringBuilder r = new StringBuilder();
    r.append("## Run of ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append("\n\n");
    r.append(MachineInfo.summary());
    r.append("- Device: ").append(o.device()).append(", intra-op threads ").append(o.threads())
        .append(o.device().prepackWeights() ? "" : ", Steer's weight pre-packing off").append("\n");
    for (BenchSubject s : subjects) {
      r.append("- Model: ").append(s.spec).append(" (").append(s.spec.config().intermediateSize())
          .append(" MLP, ").append(s.spec.config().numHeads()).append(" heads)\n");
    }
    r.append("- Prompt: ").append(o.promptWords()).append(" words + BOS; ").append(o.newTokens())
        .append(" greedy tokens per call; warm-up ").append(o.warmup()).append(", repetitions ")
        .append(o.reps()).append("\n");
    r.append("- Load average at start: ").append(MachineInfo.loadAverage()).append("\n\n");

    if (o.runs("throughput")) {
      r.append("### Throughput (tokens/s medians; ratios as median [min, max] over repetitions)\n\n");
      r.append(ThroughputSection.HEADER);
      for (BenchSubject s : subjects) {
        for (int batch : o.batches()) {
          progress("throughput " + s.spec.architecture() + " batch " + batch);
          r.append(ThroughputSection.row(s, o, batch));
        }
      }
    }
    if (o.runs("metrics")) {
      r.append("\n### Metrics per step (batch 1)\n\n").append(CostSection.METRICS_HEADER);
      for (BenchSubject s : subjects) {
        progress("metrics " + s.spec.architecture());
        r.append(CostSection.metrics(s, o));
      }
    }
    if (o.runs("capture")) {
      r.append("\n### Capture (batch 1; ratios against generate)\n\n").append(CostSection.CAPTURE_HEADER);
      for (BenchSubject s : subjects) {
        progress("capture " + s.spec.architecture());
        r.append(CostSection.capture(s, o));
      }
    }
    if (o.runs("streaming")) {
      r.append("\n### Streaming: per-token text decoding (batch 1, unsteered)\n\n")
          .append(CostSection.STREAMING_HEADER);
      for (BenchSubject s : subjects) {
        progress("streaming " + s.spec.architecture());
        r.append(CostSection.streaming(s, o));
      }
    }
    if (o.runs("compile")) {
      r.append("\n### Compiling a plan shape\n\n").append(CostSection.COMPILE_HEADER);
      for (BenchSubject s : subjects) {
        progress("compile " + s.spec.architecture());
        r.append(CostSection.compile(s, o));
      }
    }
    if (o.runs("memory") && o.memoryTokens() > 0) {
      r.append("\n### Memory (").append(o.memoryTokens()).append(" tokens in generations of ")
          .append(o.memoryGenerationLength()).append(")\n\n").append(MemorySection.HEADER);
      StringBuilder notes = new StringBuilder();
      for (BenchSubject s : subjects) {
        progress("memory " + s.spec.architecture());
        String m = MemorySection.run(s, o);
        int cut = m.indexOf("\n\n");
        r.append(m, 0, cut + 1);
        notes.append(m.substring(cut + 1));
      }
      r.append(notes);
    }
    r.append("\n- Load average at end: ").append(MachineInfo.loadAverage()).append("\n");
    return r.toString();
  }

  private static void progress(String what) {
    System.err.println("[bench] " + what + " (load " + MachineInfo.loadAverage() + ")");
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
