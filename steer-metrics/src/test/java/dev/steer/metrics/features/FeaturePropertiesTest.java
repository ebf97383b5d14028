package dev.steer.metrics.features;

import static dev.steer.metrics.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.metrics.Theories;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class FeaturePropertiesTest {

  private static final FeatureSchema SCHEMA = FeatureSchema.of(List.of(0, 1), List.of(0, 1, 2));

  /** Rows of length 3 whose entries are often exactly 0, so zero vectors and s = r occur. */
  static Gen<float[][][]> states() {
    Gen<Float> zero = Generate.constant(0f);
    Gen<Float> entry = zero.mix(integers().between(-4, 4).map(i -> (float) i));
    return Theories.readable(
        in -> {
          float[][][] state = new float[2][3][3];
          for (float[][] layer : state) {
            for (float[] row : layer) {
              for (int k = 0; k < row.length; k++) {
                row[k] = entry.generate(in);
              }
            }
          }
          return state;
        });
  }

  @Test
  void featuresAreNeverNaNAndCosinesStayInRange() {
    qt(200)
        .forAll(states(), states(), states())
        .checkAssert(FeaturePropertiesTest::neverNaNAndCosinesInRange);
  }

  private static void neverNaNAndCosinesInRange(float[][][] steered, float[][][] replay, float[][][] u) {
    FeatureVector f = SteerabilityFeatures.compute(SCHEMA, steered, replay, new float[][] {u[0][0], u[1][0]}, 1, 1);
    for (double x : f.values()) {
      assertFalse(Double.isNaN(x));
    }
    for (String name : SCHEMA.names()) {
      if (name.matches("(cossim|steeralign|steerproj)_t\\d+_l\\d+")) {
        double c = f.get(name);
        assertTrue(c >= -1 && c <= 1, name + " = " + c);
      }
    }
  }
}
