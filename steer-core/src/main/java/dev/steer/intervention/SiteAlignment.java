package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Selective Steering's site selection: how the two classes of prompts align with a candidate
 * direction d at one hook point. With every activation row normalised, ĥ = h/‖h‖,
 *
 * <p><b>μ₊ = mean over positive rows of ĥ·d̂, μ₋ = mean over negative rows of ĥ·d̂</b>, and the
 * site is <b>selected iff μ₊·μ₋ &lt; 0</b>: the classes lie on opposite sides of d, so rotating in
 * a plane through d separates rather than shifts them.
 *
 * <p>{@link #measure} computes one site's record; {@link #selectedPoints} picks the selected sites
 * of a model in depth order. Immutable and thread-safe.
 *
 * @param point the hook point measured
 * @param meanPositive μ₊, the mean cosine of the positive rows to d, in [−1, 1]
 * @param meanNegative μ₋, the mean cosine of the negative rows to d, in [−1, 1]
 */
public record SiteAlignment(HookPoint point, double meanPositive, double meanNegative) {

  /** Validates the fields. */
  public SiteAlignment {
    checkNotNull(point, "point");
    checkArgument(
        meanPositive >= -1 && meanPositive <= 1,
        "meanPositive must be a cosine in [-1, 1]: %s",
        meanPositive);
    checkArgument(
        meanNegative >= -1 && meanNegative <= 1,
        "meanNegative must be a cosine in [-1, 1]: %s",
        meanNegative);
  }

  /**
   * Measures μ₊ and μ₋ at {@code point} for activation rows taken there (each row one prompt's
   * activation, usually at the last token) and the candidate direction d for that site.
   *
   * @throws IllegalArgumentException if either class has no rows, a row's length is not d's
   *     dimension, a row is zero (its direction is undefined) or has a non-finite value, or d is
   *     zero
   */
  public static SiteAlignment measure(
      HookPoint point, SteeringVector direction, float[][] positives, float[][] negatives) {
    checkNotNull(point, "point");
    double norm = Rows.checkNonZero(direction, "direction");
    return new SiteAlignment(
        point,
        meanCosine(positives, "positive", direction, norm),
        meanCosine(negatives, "negative", direction, norm));
  }

  /**
   * True iff μ₊ and μ₋ have strictly opposite signs (μ₊·μ₋ &lt; 0, tested by sign so no underflow).
   */
  public boolean selected() {
    return (meanPositive > 0 && meanNegative < 0) || (meanPositive < 0 && meanNegative > 0);
  }

  /**
   * The hook points of the {@link #selected()} alignments, in depth order, as an immutable list.
   *
   * @throws IllegalArgumentException if two alignments name the same hook point
   */
  public static List<HookPoint> selectedPoints(Collection<SiteAlignment> alignments) {
    checkNotNull(alignments, "alignments");
    Set<HookPoint> seen = new HashSet<>();
    for (SiteAlignment a : alignments) {
      checkNotNull(a, "alignments must not contain null");
      checkArgument(seen.add(a.point()), "hook point %s is measured more than once", a.point());
    }
    return alignments.stream()
        .filter(SiteAlignment::selected)
        .map(SiteAlignment::point)
        .sorted()
        .collect(ImmutableList.toImmutableList());
  }

  private static double meanCosine(
      float[][] rows, String label, SteeringVector direction, double directionNorm) {
    checkNotNull(rows, "%s rows", label);
    checkArgument(rows.length > 0, "at least one %s row is needed", label);
    int d = direction.dimension();
    double sum = 0;
    for (int r = 0; r < rows.length; r++) {
      float[] h = rows[r];
      checkNotNull(h, "%s row %s is null", label, r);
      checkArgument(
          h.length == d,
          "%s row %s has length %s but the direction has dimension %s",
          label,
          r,
          h.length,
          d);
      for (int i = 0; i < d; i++) {
        checkArgument(
            Float.isFinite(h[i]), "%s row %s has a non-finite value at %s: %s", label, r, i, h[i]);
      }
      double norm = Rows.norm(h, 0, d);
      checkArgument(norm > 0, "%s row %s is the zero vector; its direction is undefined", label, r);
      double cosine = Rows.dot(h, 0, direction) / (norm * directionNorm);
      sum += Math.max(-1, Math.min(1, cosine));
    }
    return sum / rows.length;
  }
}
