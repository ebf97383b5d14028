package dev.steer.metrics.summary;

import static dev.steer.metrics.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.metrics.Theories;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SummaryPropertiesTest {

  /** Arrays of {@code min} to 40 arbitrary doubles, non-finite ones included (see {@link #finite}). */
  private static Gen<double[]> values(int min) {
    Gen<Double> any = doubles().any();
    return Theories.readable(
        integers()
            .between(min, 40)
            .flatMap(
                n ->
                    in -> {
                      double[] x = new double[n];
                      for (int i = 0; i < n; i++) {
                        x[i] = any.generate(in);
                      }
                      return x;
                    }));
  }

  @Test
  void orderStatisticsAreOrdered() {
    qt(305)
        .forAll(values(1))
        .checkAssert(
            values -> {
              RunSummary s = Summaries.of(finite(values));
              assertTrue(s.min() <= s.q1() && s.q1() <= s.median() && s.median() <= s.q3()
                  && s.q3() <= s.max());
              assertTrue(s.min() <= s.mean() && s.mean() <= s.max());
              assertTrue(s.std() >= 0 && s.iqr() >= 0);
            });
  }

  @Test
  void shiftMovesLocationAndKeepsShape() {
    qt(305)
        .forAll(values(2), doubles().between(-100, 100))
        .checkAssert(SummaryPropertiesTest::shiftMovesLocation);
  }

  private static void shiftMovesLocation(double[] values, double shift) {
    double[] x = finite(values);
    double[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += shift;
    }
    RunSummary a = Summaries.of(x);
    RunSummary b = Summaries.of(y);
    assertEquals(a.mean() + shift, b.mean(), 1e-9);
    assertEquals(a.median() + shift, b.median(), 1e-9);
    assertEquals(a.std(), b.std(), 1e-9);
    assertEquals(a.iqr(), b.iqr(), 1e-9);
  }

  @Test
  void kurtosisIsAtLeastSkewnessSquaredMinusTwo() {
    // Pearson's inequality m4/m2² ≥ (m3/m2^1.5)² + 1, i.e. g2 ≥ g1² − 2
    qt(305)
        .forAll(values(1))
        .checkAssert(
            values -> {
              RunSummary s = Summaries.of(finite(values));
              assertTrue(s.kurtosis() >= s.skewness() * s.skewness() - 2 - 1e-6, s.toString());
            });
  }

  /**
   * Maps arbitrary doubles into [-1000, 1000] on a 1/1000 grid, so moments neither overflow nor
   * underflow (fourth powers of subnormal deviations would flush to 0).
   */
  private static double[] finite(double[] values) {
    double[] x = new double[values.length];
    for (int i = 0; i < x.length; i++) {
      double v = values[i];
      x[i] = Double.isFinite(v) ? Math.rint(Math.IEEEremainder(v, 1000) * 1000) / 1000 : 0;
    }
    return x;
  }
}
