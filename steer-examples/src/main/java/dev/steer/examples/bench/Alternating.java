package dev.steer.examples.bench;

import java.util.List;

/**
 * Times several variants of one workload side by side: untimed warm-up rounds, then repetitions in which
 * every variant runs once, in an order rotated by one each repetition, so that slow drifts of the machine
 * (other processes, thermal state) spread over all variants instead of biasing one. Runs are timed on the
 * wall clock (process CPU time was tried: on the measuring VM it advances in 10 ms ticks, too coarse).
 */
final class Alternating {

  /** One way of doing the work; returns how many tokens it generated. */
  @FunctionalInterface
  interface Variant {
    int run() throws Exception;
  }

  private Alternating() {}

  /** Tokens per wall-clock second, {@code [variant][repetition]}. */
  static double[][] tokensPerSecond(List<Variant> variants, int warmup, int reps) throws Exception {
    int n = variants.size();
    for (int w = 0; w < warmup; w++) {
      for (Variant v : variants) {
        v.run();
      }
    }
    double[][] wall = new double[n][reps];
    for (int rep = 0; rep < reps; rep++) {
      for (int k = 0; k < n; k++) {
        int v = (rep + k) % n;
        long start = System.nanoTime();
        int tokens = variants.get(v).run();
        long elapsed = System.nanoTime() - start;
        wall[v][rep] = tokens / (elapsed / 1e9);
      }
    }
    return wall;
  }
}
