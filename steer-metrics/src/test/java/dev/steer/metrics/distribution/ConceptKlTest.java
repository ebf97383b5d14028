package dev.steer.metrics.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;

class ConceptKlTest {

  private static float[] logitsOfWeights(double... w) {
    float[] x = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      x[i] = (float) Math.log(w[i]);
    }
    return x;
  }

  @Test
  void sumsOverTheTopKOfTheResidualDistributionWithoutRenormalising() {
    // P_h = (0.5, 0.3, 0.2), P_v = (0.2, 0.3, 0.5); k = 2 keeps tokens 0 and 1
    double kl = ConceptKl.fromLogits(logitsOfWeights(0.5, 0.3, 0.2), logitsOfWeights(0.2, 0.3, 0.5), 2);
    assertEquals(0.5 * Math.log(0.5 / 0.2) + 0.3 * Math.log(0.3 / 0.3), kl, 1e-6);
  }

  @Test
  void truncatedSumCanBeNegative() {
    // P_h = (0.5, 0.5), P_v = (0.9, 0.1); k = 1 keeps token 0 (ties keep the lower index)
    double kl = ConceptKl.fromLogits(logitsOfWeights(0.5, 0.5), logitsOfWeights(0.9, 0.1), 1);
    assertEquals(0.5 * Math.log(0.5 / 0.9), kl, 1e-6);
    assertTrue(kl < 0);
  }

  @Test
  void tiesAtTheCutOffKeepTheLowerTokenIndex() {
    // P_h = (0.25, 0.5, 0.25): k = 2 keeps tokens 1 and 0, not 2
    double kl = ConceptKl.fromLogits(logitsOfWeights(1, 2, 1), logitsOfWeights(0.1, 0.3, 0.6), 2);
    assertEquals(0.5 * Math.log(0.5 / 0.3) + 0.25 * Math.log(0.25 / 0.1), kl, 1e-6);
  }

  @Test
  void logitLensOfResidualAndUnitVectorMatchHandComputation() {
    // W_U rows (1,0), (0,1), (1,1); v = (3,4) -> v̂ = (0.6, 0.8) -> W_U v̂ = (0.6, 0.8, 1.4)
    // h = (1, 2) -> W_U h = (1, 2, 3); k = 2 keeps tokens 2 and 1
    float[][] wu = {{1, 0}, {0, 1}, {1, 1}};
    ConceptKl concept = ConceptKl.of(wu, SteeringVector.of(3f, 4f), 2);
    double zh = Math.exp(1) + Math.exp(2) + Math.exp(3);
    double zv = Math.exp(0.6) + Math.exp(0.8) + Math.exp(1.4);
    double ph2 = Math.exp(3) / zh;
    double ph1 = Math.exp(2) / zh;
    double pv2 = Math.exp(1.4) / zv;
    double pv1 = Math.exp(0.8) / zv;
    double expected = ph2 * Math.log(ph2 / pv2) + ph1 * Math.log(ph1 / pv1);
    assertEquals(expected, concept.measure(new float[] {1, 2}), 1e-6);
  }

  @Test
  void rowMajorAndRowFormsAgree() {
    float[][] rows = {{1, 0}, {0, 1}, {1, 1}, {-2, 0.5f}};
    float[] flat = {1, 0, 0, 1, 1, 1, -2, 0.5f};
    SteeringVector v = SteeringVector.of(0.3f, -1.2f);
    float[] h = {2.5f, -0.75f};
    assertEquals(
        ConceptKl.of(rows, v, 3).measure(h), ConceptKl.of(flat, 4, 2, v, 3).measure(h), 0);
  }

  @Test
  void vectorScaleDoesNotMatterOnlyItsDirection() {
    float[][] wu = {{1, 0}, {0, 1}, {1, 1}};
    float[] h = {0.5f, -1f};
    assertEquals(
        ConceptKl.of(wu, SteeringVector.of(1f, 2f), 3).measure(h),
        ConceptKl.of(wu, SteeringVector.of(10f, 20f), 3).measure(h),
        1e-12);
  }

  @Test
  void rejectsTheZeroVector() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConceptKl.of(new float[][] {{1, 0}, {0, 1}}, SteeringVector.zeros(2), 10));
    assertTrue(e.getMessage().contains("zero"), e.getMessage());
  }

  @Test
  void rejectsAVectorOfTheWrongDimension() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConceptKl.of(new float[][] {{1, 0}, {0, 1}}, SteeringVector.of(1f, 2f, 3f), 10));
    assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
  }

  @Test
  void rejectsAFlatUnembeddingOfTheWrongSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConceptKl.of(new float[5], 3, 2, SteeringVector.of(1f, 2f), 10));
    assertTrue(e.getMessage().contains("5 values"), e.getMessage());
  }

  @Test
  void rejectsRaggedRows() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ConceptKl.of(new float[][] {{1, 0}, {0}}, SteeringVector.of(1f, 2f), 10));
  }

  @Test
  void rejectsAResidualOfTheWrongLength() {
    ConceptKl concept = ConceptKl.of(new float[][] {{1, 0}, {0, 1}}, SteeringVector.of(1f, 2f), 10);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> concept.measure(new float[] {1, 2, 3}));
    assertTrue(e.getMessage().contains("length 3"), e.getMessage());
  }
}
