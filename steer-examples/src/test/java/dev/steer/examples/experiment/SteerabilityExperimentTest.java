package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.testbed.Testbed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep on the shipped testbed: three short runs, interrupted mid-row and resumed. */
class SteerabilityExperimentTest {

  private static OnnxSteerableModel model;

  @BeforeAll
  static void open() throws Exception {
    model = Testbed.open();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static ExperimentOptions tiny(Path out) {
    return ExperimentOptions.parse("--concepts", "red", "--kinds", "additive", "--strengths", "additive:0,0.5,2",
        "--prompts", "1", "--tokens", "8", "--out", out.toString());
  }

  private static SteerabilityExperiment.Summary run(ExperimentOptions o) throws Exception {
    return SteerabilityExperiment.run(model, o, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void aResumedSweepAfterAHalfWrittenRowHoldsEveryRunOnceAndTheSameRows(@TempDir Path dir) throws Exception {
    ExperimentOptions o = tiny(dir);
    assertEquals(3, run(o).ran());
    Path csv = dir.resolve("runs.csv");
    String complete = Files.readString(csv);
    // an interruption while the third row was being written: cut that row in the middle
    int lastRowStart = complete.lastIndexOf('\n', complete.length() - 2) + 1;
    Files.writeString(csv, complete.substring(0, lastRowStart + (complete.length() - lastRowStart) / 2));

    SteerabilityExperiment.Summary resumed = run(o);

    assertEquals(1, resumed.ran());
    assertEquals(2, resumed.skipped());
    List<ResultRow> rows = ResultsCsv.read(csv);
    Set<RunKey> keys = new HashSet<>();
    rows.forEach(r -> keys.add(r.key()));
    assertEquals(3, rows.size());
    assertEquals(Set.copyOf(SteerabilityExperiment.keys(o)), keys);
    assertEquals(complete, Files.readString(csv), "seeded decodes make the redone row identical");
  }

  @Test
  void aFinishedSweepRerunsNothing(@TempDir Path dir) throws Exception {
    ExperimentOptions o = tiny(dir);
    run(o);
    SteerabilityExperiment.Summary again = run(o);
    assertEquals(0, again.ran());
    assertEquals(3, again.skipped());
    assertEquals(3, ResultsCsv.read(dir.resolve("runs.csv")).size());
  }

  @Test
  void pushingTwiceTheResidualNormOverSteersWhileStrengthZeroKeepsNbfAtOne(@TempDir Path dir) throws Exception {
    run(tiny(dir));
    List<ResultRow> rows = ResultsCsv.read(dir.resolve("runs.csv"));
    ResultRow zero = rows.stream().filter(r -> r.key().strength() == 0).findFirst().orElseThrow();
    ResultRow hard = rows.stream().filter(r -> r.key().strength() == 2).findFirst().orElseThrow();
    int meanNbf = ResultsCsv.INDICATOR_COLUMNS.indexOf("mean_nbf");
    int klMean = ResultsCsv.INDICATOR_COLUMNS.indexOf("kl_mean");
    assertEquals(1.0, zero.indicators()[meanNbf], 1e-9);
    assertEquals(0.0, zero.indicators()[klMean], 1e-9);
    assertTrue(hard.indicators()[klMean] > 1, "KL at 2 × norm: " + hard.indicators()[klMean]);
    assertTrue(hard.fluency() < 0.5, "fluency at 2 × norm: " + hard.fluency());
  }
}
