package dev.steer.metrics.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** Laws of the distribution indicators on random logits rows, masked (-Infinity) entries included. */
class DistributionPropertiesTest {

  private static final double LN2 = Math.log(2);

  /** A logit: usually in [-30, 30] in steps of 1/8 (exact under integer shifts), sometimes masked. */
  private static Arbitrary<Float> logit() {
    return Arbitraries.frequencyOf(
        Tuple.of(9, Arbitraries.integers().between(-240, 240).map(i -> i / 8f)),
        Tuple.of(1, Arbitraries.just(Float.NEGATIVE_INFINITY)));
  }

  private static float[] toArray(List<Float> list) {
    float[] x = new float[list.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = list.get(i);
    }
    return x;
  }

  private static boolean hasPossibleToken(float[] x) {
    for (float v : x) {
      if (v != Float.NEGATIVE_INFINITY) {
        return true;
      }
    }
    return false;
  }

  @Provide
  Arbitrary<float[]> logits() {
    return logit().list().ofMinSize(1).ofMaxSize(60).map(DistributionPropertiesTest::toArray)
        .filter(DistributionPropertiesTest::hasPossibleToken);
  }

  @Provide
  Arbitrary<float[][]> logitPairs() {
    return Arbitraries.integers().between(1, 40).flatMap(n -> {
      Arbitrary<float[]> row = logit().list().ofSize(n).map(DistributionPropertiesTest::toArray)
          .filter(DistributionPropertiesTest::hasPossibleToken);
      return Combinators.combine(row, row).as((a, b) -> new float[][] {a, b});
    });
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

  @Property(tries = 300)
  void branchingFactorLiesBetweenOneAndK(@ForAll("logits") float[] logits, @ForAll @IntRange(min = 1, max = 80) int k) {
    double bf = new NextTokenStats(k).measure(logits).branchingFactor();
    assertTrue(bf >= 1 && bf <= Math.min(k, logits.length), "bf " + bf);
  }

  @Property(tries = 300)
  void branchingFactorWithKEqualToVocabularyIsExpEntropy(@ForAll("logits") float[] logits) {
    NextTokenStats stats = new NextTokenStats(logits.length).measure(logits);
    assertEquals(Math.exp(stats.entropy()), stats.branchingFactor(), 1e-12 * stats.branchingFactor());
  }

  @Property(tries = 300)
  void topKEntropyMatchesASortingReference(@ForAll("logits") float[] logits, @ForAll @IntRange(min = 1, max = 80) int k) {
    double h = new NextTokenStats(k).measure(logits).topKEntropy();
    assertEquals(referenceTopKEntropy(logits, k), h, 1e-9);
  }

  @Property(tries = 300)
  void indicatorsAreInvariantUnderShiftingAllLogits(
      @ForAll("logits") float[] logits, @ForAll @IntRange(min = -100, max = 100) int shift) {
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

  @Property(tries = 300)
  void klIsNonNegativeAndNeverNaN(@ForAll("logitPairs") float[][] pair) {
    DistributionShift shift = DistributionShift.between(pair[0], pair[1]);
    assertFalse(Double.isNaN(shift.kl()) || Double.isNaN(shift.reverseKl()) || Double.isNaN(shift.jensenShannon()));
    assertTrue(shift.kl() >= 0 && shift.reverseKl() >= 0);
  }

  @Property(tries = 300)
  void klOfADistributionWithItselfIsZero(@ForAll("logits") float[] logits) {
    assertEquals(0.0, DistributionShift.kl(logits, logits.clone()), 0);
  }

  @Property(tries = 300)
  void jensenShannonIsSymmetricAndBoundedByLn2(@ForAll("logitPairs") float[][] pair) {
    double pq = DistributionShift.jensenShannon(pair[0], pair[1]);
    double qp = DistributionShift.jensenShannon(pair[1], pair[0]);
    assertEquals(pq, qp, 1e-12);
    assertTrue(pq >= 0 && pq <= LN2, "js " + pq);
  }

  @Property(tries = 300)
  void reverseKlIsKlWithArgumentsSwapped(@ForAll("logitPairs") float[][] pair) {
    assertEquals(
        DistributionShift.between(pair[1], pair[0]).kl(), DistributionShift.between(pair[0], pair[1]).reverseKl(), 0);
  }

  @Property(tries = 300)
  void conceptKlOverEveryTokenIsTheFullKl(@ForAll("logitPairs") float[][] pair) {
    double truncatedToAll = ConceptKl.fromLogits(pair[0], pair[1], pair[0].length);
    double kl = DistributionShift.kl(pair[0], pair[1]);
    if (Double.isInfinite(kl)) {
      assertEquals(kl, truncatedToAll);
    } else {
      assertEquals(kl, truncatedToAll, 1e-9);
    }
  }

  @Example
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
