package dev.steer.intervention;

import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.steer.vector.SteeringVector;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class AdditiveTest {

  record Case(float[] h, SteeringVector v) {}

  @Provide
  Arbitrary<Case> cases() {
    return TestVectors.dimensions()
        .flatMap(
            d ->
                Combinators.combine(
                        TestVectors.rows(d), TestVectors.rows(d).map(SteeringVector::of))
                    .as(Case::new));
  }

  @Test
  void addsAlphaTimesTheVector() {
    float[] out = Additive.of(SteeringVector.of(1f, -2f), 2.5).apply(new float[] {3, 4});
    assertArrayEquals(new float[] {5.5f, -1f}, out);
  }

  @Property
  void theEditIsLinearInAlpha(
      @ForAll("cases") Case c,
      @ForAll @DoubleRange(min = -10, max = 10) double alpha,
      @ForAll @DoubleRange(min = -10, max = 10) double beta) {
    double[] both = delta(c, alpha + beta);
    double[] sum = delta(c, alpha);
    double[] b = delta(c, beta);
    for (int i = 0; i < sum.length; i++) {
      sum[i] += b[i];
    }
    // each float result is rounded once at the scale of h + α·v
    double scale = norm(c.h()) + 20 * norm(c.v().toArray());
    assertClose(both, sum, 1e-6 * scale + 1e-30);
  }

  private static double[] delta(Case c, double alpha) {
    float[] out = Additive.of(c.v(), alpha).apply(c.h());
    double[] d = new double[out.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (double) out[i] - c.h()[i];
    }
    return d;
  }
}
