package dev.steer.metrics.features;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FeaturePropertiesTest {

  private static final FeatureSchema SCHEMA = FeatureSchema.of(List.of(0, 1), List.of(0, 1, 2));

  /** Rows of length 3 whose entries are often exactly 0, so zero vectors and s = r occur. */
  @Provide
  Arbitrary<float[][][]> states() {
    Arbitrary<Float> entry =
        Arbitraries.oneOf(Arbitraries.just(0f), Arbitraries.integers().between(-4, 4).map(i -> (float) i));
    return entry.array(float[].class).ofSize(3).array(float[][].class).ofSize(3).array(float[][][].class).ofSize(2);
  }

  @Property(tries = 200)
  void featuresAreNeverNaNAndCosinesStayInRange(
      @ForAll("states") float[][][] steered, @ForAll("states") float[][][] replay, @ForAll("states") float[][][] u) {
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
