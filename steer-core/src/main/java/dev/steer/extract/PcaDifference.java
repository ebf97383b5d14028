package dev.steer.extract;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.vector.SteeringVector;
import dev.steer.vector.VectorMetadata;

/**
 * RepE's PCA reading vector: the first principal axis of the paired differences {@code δ_i =
 * a(pos_i) − a(neg_i)}, as a unit vector.
 *
 * <p><b>Which PCA.</b> Zou et al. (2023) randomly swap the order within each pair before taking the
 * differences and then run mean-centred PCA on them. The swap matters: if every pair differed by
 * the same vector {@code u} plus noise, centring the unswapped differences would subtract {@code u}
 * and the first component would describe only noise. With random signs {@code s_i = ±1}, the
 * expected centred covariance is {@code E[(1/n)Σ s_i² δ_i δ_iᵀ − m mᵀ] = ((n−1)/n²) Σ δ_i δ_iᵀ},
 * proportional to the <i>uncentred</i> second moment {@code M = Σ δ_i δ_iᵀ}. This class takes the
 * top eigenvector of {@code M} directly: RepE's procedure with the coin flips averaged out, so it
 * is deterministic, needs no seed, and is unchanged by swapping any pair. (The eigenvector comes
 * from the smaller Gram matrix, {@code δ δᵀ} or {@code δᵀ δ}, in double precision with
 * ND4J/LAPACK.)
 *
 * <p><b>Sign.</b> A principal axis {@code d} has no sign of its own. The sign is chosen so that the
 * positive member of a pair projects higher, {@code δ_i·d > 0}, in more pairs than the opposite. On
 * a tie in that count, the sign makes {@code Σ_i δ_i·d > 0}; if that sum is exactly zero too, the
 * sign makes the largest-magnitude component of {@code d} positive (the lowest index among equals).
 * Consequently exchanging positives and negatives negates the vector.
 *
 * <p><b>Reading score.</b> {@link #reader} also returns the centre {@code μ} (the mean of all
 * pooled activations, positives and negatives) for RepE's score {@code (h − μ)·d/‖d‖}; see {@link
 * RepReader}.
 *
 * <p>Needs paired data (as many positives as negatives; pair {@code i} is positive {@code i} with
 * negative {@code i}) and at least one pair whose members differ. Stateless and thread-safe.
 */
public final class PcaDifference {

  private PcaDifference() {}

  /**
   * The unit RepE direction, with metadata {@code method=pca} and details {@code positives}, {@code
   * negatives}, {@code token_position}, {@code explained_variance} (top eigenvalue of {@code M}
   * over its trace) and {@code pair_agreement} (the fraction of pairs with {@code δ_i·d > 0}).
   *
   * @throws IllegalArgumentException if the counts differ, an example is too short for {@code
   *     position}, or every pair's members are identical at {@code position}
   */
  public static SteeringVector extract(ContrastiveActivations activations, TokenPosition position) {
    return reader(activations, position).direction();
  }

  /**
   * The RepE direction together with the centre used for reading scores.
   *
   * @throws IllegalArgumentException as for {@link #extract}
   */
  public static RepReader reader(ContrastiveActivations activations, TokenPosition position) {
    checkNotNull(activations, "activations");
    checkNotNull(position, "position");
    checkArgument(
        activations.isPaired(),
        "PCA pairs positive i with negative i and needs equal counts, but there are %s positives"
            + " and %s negatives",
        activations.positiveCount(),
        activations.negativeCount());
    Pooling.Pooled pooled = Pooling.pool(activations, position);
    double[][] pos = pooled.positives();
    double[][] neg = pooled.negatives();
    int n = pos.length;
    int hidden = pooled.hiddenSize();

    double[][] differences = new double[n][hidden];
    double[] centre = new double[hidden];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < hidden; j++) {
        differences[i][j] = pos[i][j] - neg[i][j];
        centre[j] += (pos[i][j] + neg[i][j]) / (2.0 * n);
      }
    }

    Linalg.TopAxis top = Linalg.topRightSingularVector(Linalg.matrix(differences));
    checkArgument(
        top.eigenvalue() > 0,
        "every positive equals its paired negative at token position %s, so the %s pair differences"
            + " are all zero and have no principal direction",
        position.id(),
        n);
    double[] direction = top.axis();
    int agreeing = orient(direction, differences);

    VectorMetadata metadata =
        Provenance.of(ExtractionMethod.PCA, activations, position)
            .withDetail("explained_variance", Provenance.number(top.eigenvalue() / top.trace()))
            .withDetail("pair_agreement", Provenance.number((double) agreeing / n));
    return new RepReader(SteeringVector.of(direction).withMetadata(metadata), centre);
  }

  /**
   * Flips {@code d} in place by the sign rule in the class Javadoc; returns how many pairs then
   * have {@code δ_i·d > 0}.
   */
  static int orient(double[] d, double[][] differences) {
    int above = 0;
    int below = 0;
    double sum = 0;
    for (double[] delta : differences) {
      double p = Linalg.dot(delta, d);
      above += p > 0 ? 1 : 0;
      below += p < 0 ? 1 : 0;
      sum += p;
    }
    boolean flip;
    if (above != below) {
      flip = below > above;
    } else if (sum != 0) {
      flip = sum < 0;
    } else {
      int largest = 0;
      for (int j = 1; j < d.length; j++) {
        if (Math.abs(d[j]) > Math.abs(d[largest])) {
          largest = j;
        }
      }
      flip = d[largest] < 0;
    }
    if (flip) {
      for (int j = 0; j < d.length; j++) {
        d[j] = 0.0 - d[j]; // not -d[j], which would turn 0.0 into -0.0
      }
      return below;
    }
    return above;
  }
}
