package dev.steer.examples.bench;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.runtime.ExecutionDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's settings, parsed from {@code --name value} arguments. Immutable.
 *
 * @param device where ONNX Runtime runs ({@code --device cpu|cuda:N}); CPU runs use {@code threads}; Steer's
 *     sessions pre-pack weights unless {@code --prepack false} (the plain-ORT baseline always does)
 * @param threads intra-op threads for both Steer and the baseline ({@code --threads}, default: nproc)
 * @param architectures models to measure ({@code --arch gpt2,llama})
 * @param hidden residual width ({@code --hidden})
 * @param layers blocks ({@code --layers})
 * @param vocab vocabulary size ({@code --vocab})
 * @param context maximum positions ({@code --context})
 * @param promptWords words per prompt ({@code --prompt-words}); the tokenizer adds BOS
 * @param newTokens tokens generated per timed call ({@code --tokens})
 * @param batches batch sizes ({@code --batches 1,8})
 * @param warmup untimed rounds before measuring ({@code --warmup})
 * @param reps timed rounds, each running every variant once in a rotated order ({@code --reps})
 * @param memoryTokens tokens generated in the memory run ({@code --memory-tokens}; 0 skips it)
 * @param memoryGenerationLength tokens per generation in the memory run ({@code --memory-length})
 * @param out file to write the Markdown report to, or null for standard output only ({@code --out})
 * @param sections which parts to run ({@code --sections
 *     throughput,metrics,capture,streaming,compile,memory})
 */
record BenchOptions(ExecutionDevice device, int threads, List<Architecture> architectures, int hidden,
    int layers, int vocab, int context, int promptWords, int newTokens, List<Integer> batches, int warmup,
    int reps, int memoryTokens, int memoryGenerationLength, Path out, List<String> sections) {

  static final List<String> ALL_SECTIONS = List.of("throughput", "metrics", "capture", "streaming", "compile",
      "memory");

  BenchOptions {
    architectures = List.copyOf(architectures);
    batches = List.copyOf(batches);
    sections = List.copyOf(sections);
    checkArgument(ALL_SECTIONS.containsAll(sections), "sections must be among %s: %s", ALL_SECTIONS, sections);
    checkArgument(!architectures.isEmpty(), "no architecture to measure");
    checkArgument(!batches.isEmpty(), "no batch size to measure");
    checkArgument(threads >= 1, "threads must be >= 1: %s", threads);
    checkArgument(newTokens >= 1 && reps >= 1 && warmup >= 0 && promptWords >= 1,
        "tokens (%s), reps (%s) and prompt-words (%s) must be >= 1 and warmup (%s) >= 0", newTokens, reps,
        promptWords, warmup);
    checkArgument(promptWords + 1 + Math.max(newTokens, memoryGenerationLength) <= context,
        "prompt (%s words + BOS) plus %s new tokens exceed the context %s", promptWords,
        Math.max(newTokens, memoryGenerationLength), context);
    checkArgument(memoryTokens >= 0 && memoryGenerationLength >= 1,
        "memory-tokens must be >= 0 (%s) and memory-length >= 1 (%s)", memoryTokens, memoryGenerationLength);
  }

  /** The defaults: two 6-layer d=384 models with V=8000, 64 new tokens, batches 1 and 8, 7 repetitions. */
  static BenchOptions defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    return new BenchOptions(ExecutionDevice.cpu(cores), cores, List.of(Architecture.GPT2, Architecture.LLAMA),
        384, 6, 8000, 512, 16, 64, List.of(1, 8), 2, 7, 10_000, 200, null, ALL_SECTIONS);
  }

  /**
   * Parses {@code --name value} pairs over {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming an unknown option, a missing value or a malformed one
   */
  static BenchOptions parse(String... args) {
    BenchOptions o = defaults();
    String device = "cpu";
    boolean prepack = true;
    int threads = o.threads;
    List<Architecture> archs = o.architectures;
    int hidden = o.hidden;
    int layers = o.layers;
    int vocab = o.vocab;
    int context = o.context;
    int promptWords = o.promptWords;
    int tokens = o.newTokens;
    List<Integer> batches = o.batches;
    int warmup = o.warmup;
    int reps = o.reps;
    int memoryTokens = o.memoryTokens;
    int memoryLength = o.memoryGenerationLength;
    Path out = null;
    List<String> sections = o.sections;
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      checkArgument(i + 1 < args.length, "option %s needs a value", name);
      String v = args[i + 1];
      switch (name) {
        case "--device" -> device = v;
        case "--prepack" -> {
          checkArgument(v.equals("true") || v.equals("false"), "--prepack must be true or false: %s", v);
          prepack = v.equals("true");
        }
        case "--threads" -> threads = integer(name, v);
        case "--arch" -> archs = architectures(v);
        case "--hidden" -> hidden = integer(name, v);
        case "--layers" -> layers = integer(name, v);
        case "--vocab" -> vocab = integer(name, v);
        case "--context" -> context = integer(name, v);
        case "--prompt-words" -> promptWords = integer(name, v);
        case "--tokens" -> tokens = integer(name, v);
        case "--batches" -> batches = integers(name, v);
        case "--warmup" -> warmup = integer(name, v);
        case "--reps" -> reps = integer(name, v);
        case "--memory-tokens" -> memoryTokens = integer(name, v);
        case "--memory-length" -> memoryLength = integer(name, v);
        case "--out" -> out = Path.of(v);
        case "--sections" -> sections = List.of(v.split(","));
        default -> throw new IllegalArgumentException("unknown option " + name + "; expected one of --device,"
            + " --prepack, --threads, --arch, --hidden, --layers, --vocab, --context, --prompt-words, --tokens,"
            + " --batches, --warmup, --reps, --memory-tokens, --memory-length, --out, --sections");
      }
    }
    ExecutionDevice onDevice = device(device, threads);
    return new BenchOptions(prepack ? onDevice : onDevice.withoutWeightPrepacking(), threads, archs, hidden,
        layers, vocab, context, promptWords, tokens, batches, warmup, reps, memoryTokens, memoryLength, out,
        sections);
  }

  /** Whether {@code section} is to run. */
  boolean runs(String section) {
    return sections.contains(section);
  }

  /** The model of one architecture at these sizes. */
  BenchModel model(Architecture architecture) {
    return new BenchModel(architecture, hidden, layers, vocab, context);
  }

  private static ExecutionDevice device(String spec, int threads) {
    if (spec.equals("cpu")) {
      return ExecutionDevice.cpu(threads);
    }
    checkArgument(spec.startsWith("cuda:"), "--device must be cpu or cuda:N: %s", spec);
    return ExecutionDevice.cuda(integer("--device", spec.substring("cuda:".length())));
  }

  private static List<Architecture> architectures(String v) {
    List<Architecture> out = new ArrayList<>();
    for (String s : v.split(",")) {
      switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "gpt2" -> out.add(Architecture.GPT2);
        case "llama" -> out.add(Architecture.LLAMA);
        default -> throw new IllegalArgumentException("--arch takes gpt2 and/or llama, comma-separated: " + v);
      }
    }
    return out;
  }

  private static int integer(String name, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " expects an integer: " + v, e);
    }
  }

  private static List<Integer> integers(String name, String v) {
    List<Integer> out = new ArrayList<>();
    for (String s : v.split(",")) {
      out.add(integer(name, s));
    }
    return out;
  }
}
