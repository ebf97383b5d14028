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
import java.io.IOException;
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
 * prints one Markdown row ({@code --header} prints the table header instead). Run it with a fixed,
 * pre-touched heap ({@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}) so that the heap's resident size stays
 * constant and the change in RSS minus the heap is native memory.
 */
public final class ShapeMemory {

  private ShapeMemory() {}

  /** The Markdown table header of {@link #measure}'s rows. */
  static final String HEADER = "| model | weights MiB | pre-packing | non-heap RSS after open MiB"
      + " | non-heap RSS per new shape MiB | unsteered ms/token |\n|---|---|---|---|---|---|";

  public static void main(String[] args) throws IOException {
    System.out.println(Arrays.asList(args).contains("--header") ? HEADER : measure(args));
  }

  /**
   * Measures one configuration and returns its Markdown row.
   *
   * @throws IllegalArgumentException naming an unknown option or a malformed value
   */
  static String measure(String... args) throws IOException {
    Architecture arch = Architecture.LLAMA;
    int hidden = 768;
    int layers = 6;
    boolean prepack = true;
    for (int i = 0; i < args.length; i += 2) {
      checkArgument(i + 1 < args.length, "option %s needs a value", args[i]);
      String v = args[i + 1];
      switch (args[i]) {
        case "--arch" -> {
          checkArgument(v.equals("gpt2") || v.equals("llama"), "--arch must be gpt2 or llama: %s", v);
          arch = Architecture.valueOf(v.toUpperCase(Locale.ROOT));
        }
        case "--hidden" -> hidden = Integer.parseInt(v);
        case "--layers" -> layers = Integer.parseInt(v);
        case "--prepack" -> {
          checkArgument(v.equals("true") || v.equals("false"), "--prepack must be true or false: %s", v);
          prepack = v.equals("true");
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --arch, --hidden, --layers or --prepack");
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
      return String.format(Locale.ROOT, "| %s d=%d L=%d | %.1f | %s | %.1f | %.1f | %.2f |", arch, hidden, layers,
          spec.weightMib(), prepack ? "on" : "off", open.nonHeapResidentMib(),
          (compiled.nonHeapResidentMib() - open.nonHeapResidentMib()) / layers, Spread.of(ms).median());
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * A reading after two GCs: the first lets the cleaners of unreachable direct buffers and tensors run, the
   * second reads what they freed.
   */
  private static MemoryProbe settled() {
    MemoryProbe.read();
    return MemoryProbe.read();
  }
}
