package dev.steer.examples.bench;

import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resident set and heap over a long run: generations of a fixed length cycling through unsteered,
 * one-layer steered (a fresh vector each time, same cached shape), all-layer steered and compared
 * generation with one capture, until the token budget is spent; readings at the start and at ten evenly
 * spaced checkpoints. Every native tensor must be closed, so RSS and heap must level off.
 */
final class MemorySection {

  static final String HEADER = "| model | tokens generated | VmRSS MiB | RssAnon MiB | VmHWM MiB"
      + " | heap used MiB (after GC) |\n|---|---|---|---|---|---|\n";

  private MemorySection() {}

  /** Table rows and a closing line with the growth from the first to the last checkpoint. */
  static String run(BenchSubject s, BenchOptions o) {
    String prompt = s.prompts(1, o.promptWords(), 19).get(0);
    int len = o.memoryGenerationLength();
    GenerationConfig config = GenerationConfig.greedy(len);
    int generations = (o.memoryTokens() + len - 1) / len;
    for (int i = 0; i < 4; i++) {
      generateOne(s, prompt, config, i); // compile every session before the first reading
    }
    List<long[]> rows = new ArrayList<>();
    List<MemoryProbe> probes = new ArrayList<>();
    probes.add(MemoryProbe.read());
    int every = Math.max(1, generations / 10);
    int tokens = 0;
    for (int g = 0; g < generations; g++) {
      tokens += generateOne(s, prompt, config, g);
      if ((g + 1) % every == 0 || g == generations - 1) {
        probes.add(MemoryProbe.read());
        rows.add(new long[] {tokens});
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(line(s, 0, probes.get(0)));
    for (int i = 0; i < rows.size(); i++) {
      out.append(line(s, rows.get(i)[0], probes.get(i + 1)));
    }
    MemoryProbe firstCheckpoint = probes.get(1);
    MemoryProbe last = probes.get(probes.size() - 1);
    out.append(String.format(Locale.ROOT, "%n%s: from the first checkpoint (%d tokens) to the last (%d tokens)"
        + " RSS changed by %+.1f MiB (anonymous %+.1f MiB) and heap by %+.1f MiB; start to end RSS %+.1f MiB"
        + " (anonymous %+.1f MiB).%n",
        s.spec.architecture(), rows.get(0)[0], tokens, last.rssMib() - firstCheckpoint.rssMib(),
        last.anonRssMib() - firstCheckpoint.anonRssMib(), last.heapMib() - firstCheckpoint.heapMib(),
        last.rssMib() - probes.get(0).rssMib(), last.anonRssMib() - probes.get(0).anonRssMib()));
    return out.toString();
  }

  private static String line(BenchSubject s, long tokens, MemoryProbe p) {
    return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", s.spec.architecture(), tokens,
        p.rssMib(), p.anonRssMib(), p.peakRssMib(), p.heapMib());
  }

  private static int generateOne(BenchSubject s, String prompt, GenerationConfig config, int i) {
    int n = config.maxNewTokens();
    return switch (i % 4) {
      case 0 -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, SteeringPlan.empty(), config)), n);
      case 1 -> BenchSubject.checkedLength(
          List.of(s.steer.generate(prompt, SteeringPlan.of(s.middle, s.additive(1000 + i)), config)), n);
      case 2 -> BenchSubject.checkedLength(List.of(s.steer.generate(prompt, s.allLayers, config)), n);
      default -> BenchSubject.checkedLength(
          List.of(s.steer.generateCompared(prompt, s.oneLayer, config, Set.of(s.middle)).steered()), n);
    };
  }
}
