package dev.steer.intervention;

import static dev.steer.Theories.doubles;
import static dev.steer.Theories.qt;
import static dev.steer.intervention.TestVectors.assertClose;
import static dev.steer.intervention.TestVectors.norm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.steer.Theories;
import dev.steer.vector.SteeringVector;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class AdditiveTest {

  record Case(float[] h, SteeringVector v) {}

  static Gen<Case> cases() {
    return Theories.readable(
        TestVectors.dimensions()
            .flatMap(
                d ->
                    TestVectors.rows(d)
                        .zip(TestVectors.rows(d).map(r -> SteeringVector.of(r)), Case::new)));
  }

  @Test
  void addsAlphaTimesTheVector() {
    float[] out = Additive.of(SteeringVector.of(1f, -2f), 2.5).apply(new float[] {3, 4});
    assertArrayEquals(new float[] {5.5f, -1f}, out);
  }

  @Test
  void theEditIsLinearInAlpha() {
    qt(1_000)
        .forAll(cases(), doubles(-10, 10), doubles(-10, 10))
        .checkAssert(AdditiveTest::editIsLinearInAlpha);
  }

  private static void editIsLinearInAlpha(Case c, double alpha, double beta) {
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
