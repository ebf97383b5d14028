package dev.steer.metrics.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class SummaryPropertiesTest {

  @Property(tries = 300)
  void orderStatisticsAreOrdered(@ForAll @Size(min = 1, max = 40) double[] values) {
    RunSummary s = Summaries.of(finite(values));
    assertTrue(s.min() <= s.q1() && s.q1() <= s.median() && s.median() <= s.q3() && s.q3() <= s.max());
    assertTrue(s.min() <= s.mean() && s.mean() <= s.max());
    assertTrue(s.std() >= 0 && s.iqr() >= 0);
  }

  @Property(tries = 300)
  void shiftMovesLocationAndKeepsShape(
      @ForAll @Size(min = 2, max = 40) double[] values, @ForAll @DoubleRange(min = -100, max = 100) double shift) {
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

  @Property(tries = 300)
  void kurtosisIsAtLeastSkewnessSquaredMinusTwo(@ForAll @Size(min = 1, max = 40) double[] values) {
    // Pearson's inequality m4/m2² ≥ (m3/m2^1.5)² + 1, i.e. g2 ≥ g1² − 2
    RunSummary s = Summaries.of(finite(values));
    assertTrue(s.kurtosis() >= s.skewness() * s.skewness() - 2 - 1e-6, s.toString());
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
