package dev.steer.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The harness runs end to end on a tiny model for a few tokens; option parsing and the spread maths. */
class SteerBenchmarkTest {

  @Test
  void tinyRunProducesEverySectionWithEqualTokensFromSteerAndTheBaseline() throws Exception {
    String report = SteerBenchmark.run(BenchOptions.parse("--threads", "1", "--hidden", "32", "--layers", "2",
        "--vocab", "200", "--context", "64", "--prompt-words", "4", "--tokens", "3", "--batches", "1,2",
        "--warmup", "0", "--reps", "1", "--memory-tokens", "8", "--memory-length", "4"));
    for (String section : new String[] {"### Throughput", "### Metrics", "### Capture", "### Streaming", "### Compiling",
        "### Memory"}) {
      assertTrue(report.contains(section), section + " missing from:\n" + report);
    }
    assertEquals(4, report.lines().filter(l -> l.endsWith("| yes |")).count(),
        "every throughput row (2 models × 2 batches) reports equal tokens:\n" + report);
  }

  @Test
  void spreadOfRatiosIsMedianMinAndMaxOfTheElementwiseQuotients() {
    Spread s = Spread.ofRatios(new double[] {2, 3, 8, 5}, new double[] {1, 2, 4, 10});
    assertEquals(1.75, s.median(), 1e-12); // ratios 2, 1.5, 2, 0.5 → sorted 0.5, 1.5, 2, 2
    assertEquals(0.5, s.min(), 1e-12);
    assertEquals(2, s.max(), 1e-12);
  }

  @Test
  void unknownOptionIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BenchOptions.parse("--speed", "9"));
    assertTrue(e.getMessage().contains("--speed"), e.getMessage());
  }

  @Test
  void prepackingIsOnUnlessTurnedOff() {
    assertFalse(BenchOptions.parse("--prepack", "false").device().prepackWeights());
    assertTrue(BenchOptions.parse().device().prepackWeights());
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--prepack", "no"));
  }

  @Test
  void cudaDeviceIsParsed() {
    BenchOptions o = BenchOptions.parse("--device", "cuda:1");
    assertTrue(o.device().cuda());
    assertEquals(1, o.device().deviceId());
  }
}
