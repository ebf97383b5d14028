package dev.steer.intervention;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Set;
import org.junit.jupiter.api.Test;

class SiteAlignmentTest {

  private static final HookPoint POINT = HookPoint.residPost(3);
  private static final SteeringVector E0 = SteeringVector.of(2f, 0f);

  @Test
  void measuresTheMeanCosineOfEachClassToTheDirection() {
    // positives: (1, 1) -> 1/√2; negatives: (−3, 0) -> −1 and (0, 5) -> 0, mean −0.5
    SiteAlignment a =
        SiteAlignment.measure(POINT, E0, new float[][] {{1, 1}}, new float[][] {{-3, 0}, {0, 5}});
    assertEquals(Math.sqrt(0.5), a.meanPositive(), 1e-12);
    assertEquals(-0.5, a.meanNegative(), 1e-12);
    assertTrue(a.selected());
  }

  @Test
  void rowLengthsDoNotMatterOnlyTheirDirections() {
    SiteAlignment small =
        SiteAlignment.measure(POINT, E0, new float[][] {{1, 2}, {3, -1}}, new float[][] {{-1, 1}});
    SiteAlignment large =
        SiteAlignment.measure(
            POINT, E0, new float[][] {{10, 20}, {0.3f, -0.1f}}, new float[][] {{-7, 7}});
    assertEquals(small.meanPositive(), large.meanPositive(), 1e-7);
    assertEquals(small.meanNegative(), large.meanNegative(), 1e-7);
  }

  @Test
  void aSiteIsSelectedOnlyWhenTheClassesLeanToOppositeSides() {
    assertTrue(new SiteAlignment(POINT, 0.3, -0.1).selected());
    assertTrue(new SiteAlignment(POINT, -0.3, 0.1).selected());
    assertFalse(new SiteAlignment(POINT, 0.3, 0.1).selected());
    assertFalse(new SiteAlignment(POINT, -0.3, -0.1).selected());
    assertFalse(new SiteAlignment(POINT, 0.3, 0).selected());
    assertTrue(new SiteAlignment(POINT, 1e-200, -1e-200).selected(), "no underflow of μ₊·μ₋");
  }

  @Test
  void selectsExactlyThePlantedSitesInDepthOrder() {
    qt(50)
        .forAll(longs().all(), integers().between(2, 48))
        .checkAssert(SiteAlignmentTest::selectsThePlantedSites);
  }

  private static void selectsThePlantedSites(long seed, int d) {
    Random random = new Random(seed);
    int layers = 10;
    List<HookPoint> planted = new ArrayList<>();
    List<SiteAlignment> alignments = new ArrayList<>();
    for (int layer = 0; layer < layers; layer++) {
      boolean opposite = random.nextBoolean();
      HookPoint point = HookPoint.residPost(layer);
      if (opposite) {
        planted.add(point);
      }
      double[] direction = gaussian(random, d, 1);
      // positives lean along d; negatives lean against it at planted sites and along it elsewhere
      float[][] positives = leaning(random, direction, 2.0, 8);
      float[][] negatives = leaning(random, direction, opposite ? -2.0 : 0.7, 8);
      alignments.add(
          SiteAlignment.measure(point, SteeringVector.of(direction), positives, negatives));
    }
    Collections.shuffle(alignments, random);
    assertEquals(planted, SiteAlignment.selectedPoints(alignments));
  }

  /** Rows s·d̂ + noise with noise of norm about 0.3 spread over the other directions. */
  private static float[][] leaning(Random random, double[] direction, double s, int count) {
    double norm = DoubleVectors.norm(direction);
    float[][] rows = new float[count][direction.length];
    for (int r = 0; r < count; r++) {
      double[] noise = gaussian(random, direction.length, 0.3 / Math.sqrt(direction.length));
      for (int k = 0; k < direction.length; k++) {
        rows[r][k] = (float) (s * direction[k] / norm + noise[k]);
      }
    }
    return rows;
  }

  private static double[] gaussian(Random random, int d, double sigma) {
    double[] v = new double[d];
    for (int k = 0; k < d; k++) {
      v[k] = sigma * random.nextGaussian();
    }
    return v;
  }

  @Test
  void selectedPointsAreOrderedByLayerThenSite() {
    List<SiteAlignment> alignments =
        List.of(
            new SiteAlignment(HookPoint.residPost(5), 0.2, -0.2),
            new SiteAlignment(HookPoint.residPre(5), 0.2, -0.2),
            new SiteAlignment(HookPoint.residPost(1), 0.2, -0.2),
            new SiteAlignment(HookPoint.residPost(2), 0.2, 0.2));
    assertEquals(
        List.of(HookPoint.residPost(1), HookPoint.residPre(5), HookPoint.residPost(5)),
        SiteAlignment.selectedPoints(alignments));
  }

  @Test
  void rejectsAHookPointMeasuredTwice() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SiteAlignment.selectedPoints(
                    Set.of(
                        new SiteAlignment(POINT, 0.1, -0.1), new SiteAlignment(POINT, 0.2, -0.1))));
    assertTrue(e.getMessage().contains("blocks.3.hook_resid_post"), e.getMessage());
  }

  @Test
  void rejectsEmptyClassesZeroRowsAndWrongLengths() {
    float[][] ok = {{1, 0}};
    var empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> SiteAlignment.measure(POINT, E0, ok, new float[0][]));
    assertTrue(empty.getMessage().contains("negative"), empty.getMessage());
    var zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> SiteAlignment.measure(POINT, E0, new float[][] {{1, 0}, {0, 0}}, ok));
    assertTrue(zero.getMessage().contains("positive row 1 is the zero vector"), zero.getMessage());
    var length =
        assertThrows(
            IllegalArgumentException.class,
            () -> SiteAlignment.measure(POINT, E0, ok, new float[][] {{1, 0, 0}}));
    assertTrue(
        length
            .getMessage()
            .contains("negative row 0 has length 3 but the direction has dimension 2"),
        length.getMessage());
    var nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> SiteAlignment.measure(POINT, E0, new float[][] {{Float.NaN, 0}}, ok));
    assertTrue(nan.getMessage().contains("non-finite"), nan.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SiteAlignment.measure(POINT, SteeringVector.zeros(2), ok, ok));
  }
}
