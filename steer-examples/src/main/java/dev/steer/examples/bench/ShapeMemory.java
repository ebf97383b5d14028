package dev.steer.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Ablation;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * What a compiled plan shape costs in memory, measured alone in a fresh JVM: writes a benchmark model,
 * opens it in Steer (nothing else), and reads the resident set outside the Java heap after opening and
 * after compiling one new shape per block (ablation at {@code blocks.l.hook_resid_post}), plus the
 * unsteered greedy decoding time, so the memory saving of {@code --prepack false} can be weighed against
 * its speed.
 *
 * <p>Usage: {@code ShapeMemory [--arch gpt2|llama] [--hidden 768] [--layers 6] [--prepack true|false]};
 * prints one Markdown row (header with {@code --header}).
 */
public final class ShapeMemory {

  private ShapeMemory() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--header")) {
      System.out.println("| model | weights MiB | pre-packing | non-heap RSS after open MiB"
          + " | non-heap RSS per new shape MiB | unsteered ms/token |\n|---|---|---|---|---|---|");
      return;
    }
    Architecture arch = Architecture.LLAMA;
    int hidden = 768;
    int layers = 6;
    boolean prepack = true;
    for (int i = 0; i < args.length; i += 2) {
      checkArgument(i + 1 < args.length, "option %s needs a value", args[i]);
      String v = args[i + 1];
      switch (args[i]) {
        case "--arch" -> arch = Architecture.valueOf(v.toUpperCase(Locale.ROOT));
        case "--hidden" -> hidden = Integer.parseInt(v);
        case "--layers" -> layers = Integer.parseInt(v);
        case "--prepack" -> prepack = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --arch, --hidden, --layers, --prepack or --header");
      }
    }
    BenchModel spec = new BenchModel(arch, hidden, layers, 8000, 256);
    Path dir = spec.write(Files.createTempDirectory("steer-shape-memory"), 7);
    ExecutionDevice device = prepack ? ExecutionDevice.cpu() : ExecutionDevice.cpu().withoutWeightPrepacking();
    String prompt = "w1 w2 w3 w4 w5 w6 w7 w8";
    try (OnnxSteerableModel model = OnnxSteerableModel.open(dir, device)) {
      model.generate(prompt, SteeringPlan.empty(), GenerationConfig.greedy(1));
      MemoryProbe open = settled();
      float[] direction = new float[hidden];
      direction[0] = 1;
      for (int l = 0; l < layers; l++) {
        model.generate(prompt, SteeringPlan.of(HookPoint.residPost(l), Ablation.of(SteeringVector.of(direction))),
            GenerationConfig.greedy(1));
      }
      MemoryProbe compiled = settled();
      int tokens = 48;
      double[] ms = new double[5];
      for (int r = 0; r < ms.length; r++) {
        long start = System.nanoTime();
        model.generate(prompt, SteeringPlan.empty(), GenerationConfig.greedy(tokens));
        ms[r] = (System.nanoTime() - start) / 1e6 / tokens;
      }
      System.out.printf(Locale.ROOT, "| %s d=%d L=%d | %.1f | %s | %.1f | %.1f | %.2f |%n", arch, hidden, layers,
          spec.weightMib(), prepack ? "on" : "off", open.nonHeapResidentMib(),
          (compiled.nonHeapResidentMib() - open.nonHeapResidentMib()) / layers, Spread.of(ms).median());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A reading after a GC and a pause, so that freed memory has settled. */
  private static MemoryProbe settled() throws InterruptedException {
    MemoryProbe.read();
    Thread.sleep(300);
    return MemoryProbe.read();
  }
}
