package dev.steer.metrics.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureVectorTest {

  private static final FeatureSchema SCHEMA = FeatureSchema.of(List.of(0), List.of(0));

  private static double[] ramp(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i / 3.0;
    }
    return v;
  }

  @Test
  void csvRowParsesBackToTheSameValues() {
    double[] values = ramp(SCHEMA.size());
    values[1] = Double.POSITIVE_INFINITY;
    values[2] = -1e-300;
    FeatureVector f = FeatureVector.of(SCHEMA, values);
    String[] cells = f.csvRow().split(",", -1);
    assertEquals(SCHEMA.size(), cells.length);
    double[] parsed = new double[cells.length];
    for (int i = 0; i < cells.length; i++) {
      parsed[i] = Double.parseDouble(cells[i]);
    }
    assertArrayEquals(values, parsed, 0);
  }

  @Test
  void csvHeaderAndRowHaveTheSameNumberOfColumns() {
    FeatureVector f = FeatureVector.of(SCHEMA, ramp(SCHEMA.size()));
    assertEquals(f.csvHeader().split(",").length, f.csvRow().split(",").length);
  }

  @Test
  void valuesAreCopiedInAndOut() {
    double[] values = ramp(SCHEMA.size());
    FeatureVector f = FeatureVector.of(SCHEMA, values);
    values[0] = 99;
    f.values()[0] = 98;
    assertEquals(0.0, f.get("magdiff_t0_l0"), 0);
  }

  @Test
  void rejectsTheWrongNumberOfValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureVector.of(SCHEMA, new double[3]));
    assertTrue(e.getMessage().contains("3 values for a schema of " + SCHEMA.size()), e.getMessage());
  }

  @Test
  void rejectsNaNNamingTheFeature() {
    double[] values = ramp(SCHEMA.size());
    values[0] = Double.NaN;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureVector.of(SCHEMA, values));
    assertTrue(e.getMessage().contains("magdiff_t0_l0"), e.getMessage());
  }
}
