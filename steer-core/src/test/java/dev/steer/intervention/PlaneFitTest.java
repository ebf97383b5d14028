package dev.steer.intervention;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RotationPlane#fromCandidates}. */
class PlaneFitTest {

  /**
   * Candidates c·(cos tᵢ·e + sin tᵢ·f) + noise, for orthonormal e, f planted in a random dimension.
   */
  private record Planted(double[] e, double[] f, List<SteeringVector> candidates) {

    static Planted generate(long seed, int d, int n, double noise) {
      Random random = new Random(seed);
      double[][] basis = DoubleVectors.gramSchmidt(gaussian(random, d, 1), gaussian(random, d, 1));
      List<SteeringVector> candidates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        double t = Math.toRadians(-50 + 100.0 * i / (n - 1) + 5 * random.nextGaussian());
        double scale = 0.5 + 4 * random.nextDouble();
        double[] c = gaussian(random, d, noise / Math.sqrt(d));
        for (int k = 0; k < d; k++) {
          c[k] += scale * (Math.cos(t) * basis[0][k] + Math.sin(t) * basis[1][k]);
        }
        candidates.add(SteeringVector.of(c).withHookPoint(HookPoint.residPost(i)));
      }
      return new Planted(basis[0], basis[1], candidates);
    }

    /** ‖Qw‖ for Q the projection onto span(e, f). */
    double inPlaneNorm(SteeringVector w) {
      double[] x = w.toDoubleArray();
      return Math.hypot(DoubleVectors.dot(x, e), DoubleVectors.dot(x, f));
    }
  }

  private static double[] gaussian(Random random, int d, double sigma) {
    double[] v = new double[d];
    for (int k = 0; k < d; k++) {
      v[k] = sigma * random.nextGaussian();
    }
    return v;
  }

  @Test
  void recoversAPlantedPlane() {
    qt(100)
        .forAll(longs().all(), integers().between(3, 64), integers().between(3, 24))
        .checkAssert(PlaneFitTest::recoversThePlantedPlane);
  }

  private static void recoversThePlantedPlane(long seed, int d, int n) {
    Planted planted = Planted.generate(seed, d, n, 1e-3);
    RotationPlane plane = RotationPlane.fromCandidates(planted.candidates());
    assertEquals(1, planted.inPlaneNorm(plane.b1()), 1e-4, "b1 lies in the planted plane");
    assertEquals(1, planted.inPlaneNorm(plane.b2()), 1e-4, "b2 lies in the planted plane");
    assertEquals(0, plane.b1().dot(plane.b2()), 1e-6);
  }

  @Test
  void b1IsTheCandidateWithTheHighestMeanCosineToTheOthers() {
    qt(100)
        .forAll(longs().all(), integers().between(2, 32), integers().between(3, 12))
        .checkAssert(PlaneFitTest::b1IsTheMostCentralCandidate);
  }

  private static void b1IsTheMostCentralCandidate(long seed, int d, int n) {
    Random random = new Random(seed);
    List<SteeringVector> candidates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      candidates.add(SteeringVector.of(gaussian(random, d, 1)));
    }
    int best = 0;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double mean = 0;
      for (int j = 0; j < n; j++) {
        mean += i == j ? 0 : candidates.get(i).cosine(candidates.get(j)) / (n - 1);
      }
      if (mean > bestMean) {
        bestMean = mean;
        best = i;
      }
    }
    RotationPlane plane = RotationPlane.fromCandidates(candidates);
    assertEquals(1, plane.b1().cosine(candidates.get(best)), 1e-6);
  }

  @Test
  void theGramAndCovarianceRoutesGiveTheSamePrincipalComponent() {
    qt(100)
        .forAll(longs().all(), integers().between(2, 16), integers().between(2, 16))
        .checkAssert(PlaneFitTest::bothRoutesAgree);
  }

  private static void bothRoutesAgree(long seed, int d, int n) {
    Random random = new Random(seed);
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = gaussian(random, d, 1);
    }
    double[] viaGram = PlaneFit.viaGram(x);
    double[] viaCovariance = PlaneFit.viaCovariance(x);
    // unique up to sign unless the top eigenvalue is repeated, which random data avoids
    assertEquals(1, Math.abs(DoubleVectors.dot(viaGram, viaCovariance)), 1e-8);
  }

  @Test
  void theMostCentralCandidateBecomesB1AndKeepsItsHookPoint() {
    // mean cosines: e0 → (0.707 + 0)/2, e0+e1 → 0.707, e1 → 0.354: the middle one wins
    List<SteeringVector> candidates =
        List.of(
            SteeringVector.of(1f, 0f, 0f),
            SteeringVector.of(2f, 2f, 0f).withHookPoint(HookPoint.residPost(7)),
            SteeringVector.of(0f, 3f, 0f));
    RotationPlane plane = RotationPlane.fromCandidates(candidates);
    float r = (float) Math.sqrt(0.5);
    assertEquals(1, plane.b1().cosine(SteeringVector.of(r, r, 0f)), 1e-7);
    assertEquals(HookPoint.residPost(7), plane.b1().hookPoint().orElseThrow());
    // the centred stack varies along (1, −1, 0)
    assertEquals(1, Math.abs(plane.b2().cosine(SteeringVector.of(1f, -1f, 0f))), 1e-7);
  }

  @Test
  void b2IsOrientedSoThatTheMeanCandidateProjectsPositively() {
    List<SteeringVector> candidates =
        List.of(
            SteeringVector.of(1f, 0f, 0f),
            SteeringVector.of(1f, 1f, 0f),
            SteeringVector.of(1f, 2f, 0.5f),
            SteeringVector.of(0f, 1f, 0f));
    RotationPlane plane = RotationPlane.fromCandidates(candidates);
    double[] mean = new double[3];
    for (SteeringVector c : candidates) {
      double[] u = c.unit().toDoubleArray();
      for (int k = 0; k < 3; k++) {
        mean[k] += u[k] / candidates.size();
      }
    }
    assertTrue(DoubleVectors.dot(mean, plane.b2().toDoubleArray()) > 1e-6);
  }

  @Test
  void thePlaneDoesNotDependOnTheOrderOfTheCandidates() {
    qt(50)
        .forAll(longs().all(), integers().between(3, 32), integers().between(3, 12))
        .checkAssert(PlaneFitTest::orderDoesNotMatter);
  }

  private static void orderDoesNotMatter(long seed, int d, int n) {
    Planted planted = Planted.generate(seed, d, n, 0.3);
    List<SteeringVector> shuffled = new ArrayList<>(planted.candidates());
    Collections.shuffle(shuffled, new Random(seed + 1));
    RotationPlane a = RotationPlane.fromCandidates(planted.candidates());
    RotationPlane b = RotationPlane.fromCandidates(shuffled);
    assertEquals(1, a.b1().cosine(b.b1()), 1e-6);
    assertEquals(1, a.b2().cosine(b.b2()), 1e-5);
  }

  @Test
  void rejectsFewerThanTwoCandidates() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RotationPlane.fromCandidates(List.of(SteeringVector.basis(3, 0))));
    assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
  }

  @Test
  void rejectsCollinearCandidates() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RotationPlane.fromCandidates(
                    List.of(
                        SteeringVector.of(1f, 2f, 3f),
                        SteeringVector.of(-2f, -4f, -6f),
                        SteeringVector.of(0.5f, 1f, 1.5f))));
    assertTrue(e.getMessage().contains("collinear"), e.getMessage());
  }

  @Test
  void rejectsCandidatesThatAllPointTheSameWay() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RotationPlane.fromCandidates(
                    List.of(SteeringVector.of(1f, 2f, 3f), SteeringVector.of(2f, 4f, 6f))));
    assertTrue(e.getMessage().contains("same way"), e.getMessage());
  }

  @Test
  void rejectsZeroAndMismatchedCandidates() {
    var zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RotationPlane.fromCandidates(
                    List.of(SteeringVector.basis(3, 0), SteeringVector.zeros(3))));
    assertTrue(zero.getMessage().contains("candidate 1 is the zero vector"), zero.getMessage());
    var mismatch =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RotationPlane.fromCandidates(
                    List.of(SteeringVector.basis(3, 0), SteeringVector.basis(4, 1))));
    assertTrue(mismatch.getMessage().contains("candidate 1 has 4"), mismatch.getMessage());
  }
}
