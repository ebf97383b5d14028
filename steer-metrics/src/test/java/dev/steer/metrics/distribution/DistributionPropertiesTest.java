package dev.steer.metrics.distribution;

import static dev.steer.metrics.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.metrics.Theories;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Laws of the distribution indicators on random logits rows, masked (-Infinity) entries included. */
class DistributionPropertiesTest {

  private static final double LN2 = Math.log(2);

  /** A logit: usually in [-30, 30] in steps of 1/8 (exact under integer shifts), sometimes masked. */
  private static Gen<Float> logit() {
    return Generate.frequency(
        List.of(
            Pair.of(9, integers().between(-240, 240).map(i -> i / 8f)),
            Pair.of(1, Generate.constant(Float.NEGATIVE_INFINITY))));
  }

  /** A row of {@code n} logits with at least one possible token. */
  private static Gen<float[]> row(int n) {
    Gen<Float> logit = logit();
    Gen<float[]> row =
        in -> {
          float[] x = new float[n];
          for (int i = 0; i < n; i++) {
            x[i] = logit.generate(in);
          }
          return x;
        };
    return row.assuming(DistributionPropertiesTest::hasPossibleToken);
  }

  private static boolean hasPossibleToken(float[] x) {
    for (float v : x) {
      if (v != Float.NEGATIVE_INFINITY) {
        return true;
      }
    }
    return false;
  }

  /** Rows of 1 to 60 logits. */
  static Gen<float[]> logits() {
    return Theories.readable(integers().between(1, 60).flatMap(DistributionPropertiesTest::row));
  }

  /** Two rows of the same length, 1 to 40. */
  static Gen<float[][]> logitPairs() {
    return Theories.readable(
        integers().between(1, 40).flatMap(n -> row(n).zip(row(n), (a, b) -> new float[][] {a, b})));
  }

  static Gen<Integer> ks() {
    return integers().between(1, 80);
  }

  /** Reference: plain softmax, sort descending, keep k, renormalise, −Σ q ln q. */
  private static double referenceTopKEntropy(float[] logits, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double[] w = new double[logits.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(logits[i] - max);
    }
    Arrays.sort(w);
    double sum = 0;
    for (int i = w.length - 1; i >= Math.max(0, w.length - k); i--) {
      sum += w[i];
    }
    double h = 0;
    for (int i = w.length - 1; i >= Math.max(0, w.length - k); i--) {
      double q = w[i] / sum;
      if (q > 0) {
        h -= q * Math.log(q);
      }
    }
    return h;
  }

  @Test
  void branchingFactorLiesBetweenOneAndK() {
    qt(300)
        .forAll(logits(), ks())
        .checkAssert(
            (logits, k) -> {
              double bf = new NextTokenStats(k).measure(logits).branchingFactor();
              assertTrue(bf >= 1 && bf <= Math.min(k, logits.length), "bf " + bf);
            });
  }

  @Test
  void branchingFactorWithKEqualToVocabularyIsExpEntropy() {
    qt(300)
        .forAll(logits())
        .checkAssert(
            logits -> {
              NextTokenStats stats = new NextTokenStats(logits.length).measure(logits);
              assertEquals(Math.exp(stats.entropy()), stats.branchingFactor(), 1e-12 * stats.branchingFactor());
            });
  }

  @Test
  void topKEntropyMatchesASortingReference() {
    qt(300)
        .forAll(logits(), ks())
        .checkAssert(
            (logits, k) -> {
              double h = new NextTokenStats(k).measure(logits).topKEntropy();
              assertEquals(referenceTopKEntropy(logits, k), h, 1e-9);
            });
  }

  @Test
  void indicatorsAreInvariantUnderShiftingAllLogits() {
    qt(300)
        .forAll(logits(), integers().between(-100, 100))
        .checkAssert(DistributionPropertiesTest::invariantUnderShift);
  }

  private static void invariantUnderShift(float[] logits, int shift) {
    float[] shifted = logits.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += shift; // exact: logits are multiples of 1/8 below 2^20
    }
    NextTokenStats a = new NextTokenStats(7).measure(logits);
    double h = a.entropy();
    double bf = a.branchingFactor();
    NextTokenStats b = new NextTokenStats(7).measure(shifted);
    assertEquals(h, b.entropy(), 1e-12);
    assertEquals(bf, b.branchingFactor(), 1e-12);
    assertEquals(0.0, DistributionShift.kl(logits, shifted), 1e-12);
  }

  @Test
  void klIsNonNegativeAndNeverNaN() {
    qt(300)
        .forAll(logitPairs())
        .checkAssert(
            pair -> {
              DistributionShift shift = DistributionShift.between(pair[0], pair[1]);
              assertFalse(Double.isNaN(shift.kl()) || Double.isNaN(shift.reverseKl())
                  || Double.isNaN(shift.jensenShannon()));
              assertTrue(shift.kl() >= 0 && shift.reverseKl() >= 0);
            });
  }

  @Test
  void klOfADistributionWithItselfIsZero() {
    qt(300)
        .forAll(logits())
        .checkAssert(logits -> assertEquals(0.0, DistributionShift.kl(logits, logits.clone()), 0));
  }

  @Test
  void jensenShannonIsSymmetricAndBoundedByLn2() {
    qt(300)
        .forAll(logitPairs())
        .checkAssert(
            pair -> {
              double pq = DistributionShift.jensenShannon(pair[0], pair[1]);
              double qp = DistributionShift.jensenShannon(pair[1], pair[0]);
              assertEquals(pq, qp, 1e-12);
              assertTrue(pq >= 0 && pq <= LN2, "js " + pq);
            });
  }

  @Test
  void reverseKlIsKlWithArgumentsSwapped() {
    qt(300)
        .forAll(logitPairs())
        .checkAssert(
            pair ->
                assertEquals(
                    DistributionShift.between(pair[1], pair[0]).kl(),
                    DistributionShift.between(pair[0], pair[1]).reverseKl(),
                    0));
  }

  @Test
  void conceptKlOverEveryTokenIsTheFullKl() {
    qt(300).forAll(logitPairs()).checkAssert(DistributionPropertiesTest::conceptKlOverAllIsFullKl);
  }

  private static void conceptKlOverAllIsFullKl(float[][] pair) {
    double truncatedToAll = ConceptKl.fromLogits(pair[0], pair[1], pair[0].length);
    double kl = DistributionShift.kl(pair[0], pair[1]);
    if (Double.isInfinite(kl)) {
      assertEquals(kl, truncatedToAll);
    } else {
      assertEquals(kl, truncatedToAll, 1e-9);
    }
  }

  @Test
  void largeVocabularyTopKMatchesTheSortingReference() {
    float[] logits = new float[150_000];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 3);
    }
    NextTokenStats stats = new NextTokenStats().measure(logits);
    assertEquals(referenceTopKEntropy(logits, 1000), stats.topKEntropy(), 1e-9);
    assertTrue(stats.branchingFactor() <= 1000);
  }
}
