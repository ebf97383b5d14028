package dev.steer.examples.bench;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Times several variants of one workload side by side: untimed warm-up rounds, then repetitions in which
 * every variant runs once, in an order rotated by one each repetition, so that slow drifts of the machine
 * (other processes, thermal state) spread over all variants instead of biasing one. Each run is timed on
 * the wall clock and in CPU time of the whole process (all threads, ONNX Runtime's included), which other
 * processes on a shared machine disturb far less.
 */
final class Alternating {

  /** One way of doing the work; returns how many tokens it generated. */
  @FunctionalInterface
  interface Variant {
    int run() throws Exception;
  }

  /**
   * Tokens per second, {@code [variant][repetition]}.
   *
   * @param wall tokens per wall-clock second
   * @param cpu tokens per second of process CPU time
   */
  record Throughput(double[][] wall, double[][] cpu) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Alternating() {}

  static Throughput tokensPerSecond(List<Variant> variants, int warmup, int reps) throws Exception {
    int n = variants.size();
    for (int w = 0; w < warmup; w++) {
      for (Variant v : variants) {
        v.run();
      }
    }
    double[][] wall = new double[n][reps];
    double[][] cpu = new double[n][reps];
    for (int rep = 0; rep < reps; rep++) {
      for (int k = 0; k < n; k++) {
        int v = (rep + k) % n;
        long cpuStart = OS.getProcessCpuTime();
        long start = System.nanoTime();
        int tokens = variants.get(v).run();
        long elapsed = System.nanoTime() - start;
        long cpuElapsed = OS.getProcessCpuTime() - cpuStart;
        wall[v][rep] = tokens / (elapsed / 1e9);
        cpu[v][rep] = tokens / (Math.max(1, cpuElapsed) / 1e9);
      }
    }
    return new Throughput(wall, cpu);
  }
}
