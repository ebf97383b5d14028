package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.testbed.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsCsvTest {

  static ResultRow row(String concept, double strength, int prompt, Verdict.Label label) {
    double[] ind = new double[ResultsCsv.INDICATOR_COLUMNS.size()];
    double[] early = new double[ResultsCsv.EARLY_COLUMNS.size()];
    for (int i = 0; i < ind.length; i++) {
      ind[i] = strength * (i + 1) + 0.125;
    }
    for (int i = 0; i < early.length; i++) {
      early[i] = i % 7 == 0 ? Double.NaN : -strength * i;
    }
    return new ResultRow(new RunKey(concept, "mean", "additive", 3, strength, prompt), 0.75, 0.5, label, 40, ind,
        early);
  }

  @Test
  void theHeaderIsTheDocumentedSchema() {
    List<String> expected = new ArrayList<>(List.of("concept", "method", "kind", "layer", "strength", "prompt",
        "concept_score", "fluency", "judge_score", "label", "tokens"));
    for (String indicator : List.of("nbf", "kl", "concept_kl_before", "concept_kl_after")) {
      for (String stat : List.of("mean", "std", "min", "max", "median", "q1", "q3", "iqr", "skewness", "kurtosis")) {
        expected.add(indicator + "_" + stat);
      }
    }
    expected.add("mean_nbf");
    assertEquals(expected, ResultsCsv.HEADER.subList(0, expected.size()));
    List<String> early = ResultsCsv.HEADER.subList(expected.size(), ResultsCsv.HEADER.size());
    assertEquals(ResultsCsv.EARLY_SCHEMA.names(), early);
    assertEquals(List.of("alpha", "bf_t0", "nbf_t0", "kl_t0", "bf_t1", "nbf_t1", "kl_t1", "bf_t3", "nbf_t3",
        "kl_t3", "bf_t5", "nbf_t5", "kl_t5"), early.subList(early.size() - 13, early.size()));
    assertEquals(52 + 121, ResultsCsv.HEADER.size());
  }

  @Test
  void rowsReadBackAsWritten(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    ResultRow a = row("red", 0.3, 1, Verdict.Label.SUCCESS);
    ResultRow b = row("night", -45, 0, Verdict.Label.OVER_STEER);
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      out.append(a);
      out.append(b);
    }
    List<ResultRow> back = ResultsCsv.read(csv);
    assertEquals(List.of(a.key(), b.key()), back.stream().map(ResultRow::key).toList());
    assertEquals(0.375, back.get(0).judgeScore());
    assertEquals(Verdict.Label.OVER_STEER, back.get(1).label());
    assertArrayEquals(a.indicators(), back.get(0).indicators());
    assertTrue(Arrays.equals(b.early(), back.get(1).early()), "NaN and negatives survive");
  }

  @Test
  void appendingCutsOnlyAnUnfinishedLastLine(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      out.append(row("red", 0, 0, Verdict.Label.UNDER_STEER));
    }
    String complete = Files.readString(csv);
    Files.writeString(csv, complete + "red,mean,addi");
    assertEquals(1, ResultsCsv.read(csv).size(), "reading ignores the unfinished line");
    try (ResultsCsv out = ResultsCsv.openForAppend(csv)) {
      out.append(row("red", 0.5, 0, Verdict.Label.SUCCESS));
    }
    assertEquals(2, ResultsCsv.read(csv).size());
    assertEquals(complete, Files.readString(csv).substring(0, complete.length()));
  }

  @Test
  void aFileWithAnotherHeaderIsRefused(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    Files.writeString(csv, "concept,method\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsCsv.openForAppend(csv));
    assertTrue(e.getMessage().contains("another header"), e.getMessage());
  }

  @Test
  void aMalformedCompleteRowIsReportedWithItsLine(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("runs.csv");
    Files.writeString(csv, String.join(",", ResultsCsv.HEADER) + "\nred,mean\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsCsv.read(csv));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void minusZeroStrengthIsTheSameKeyAsZero() {
    assertEquals(new RunKey("red", "mean", "plane", 3, 0.0, 0).csvPrefix(),
        new RunKey("red", "mean", "plane", 3, -0.0, 0).csvPrefix());
  }
}
