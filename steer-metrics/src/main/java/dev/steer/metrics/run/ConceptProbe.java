package dev.steer.metrics.run;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.hook.HookPoint;
import dev.steer.metrics.distribution.ConceptKl;
import dev.steer.vector.SteeringVector;

/**
 * What the concept KL of Jafari et al. needs: the hook point whose residual is read through the logit
 * lens (normally the steered one), the unembedding W_U (V rows of length d, referenced, not copied) and
 * the steering vector v whose lens P_v = softmax(W_U·v̂) the residual is compared with; k tokens of P_h
 * are summed (see {@link ConceptKl}). Immutable apart from the caller's W_U, which must not change while
 * in use.
 *
 * @param hookPoint where the residual is read
 * @param unembedding W_U as V rows of length d
 * @param vector the steering vector v (non-zero, dimension d)
 * @param topK k of the truncated sum, ≥ 1 ({@link ConceptKl#DEFAULT_TOP_K} in the paper)
 */
public record ConceptProbe(HookPoint hookPoint, float[][] unembedding, SteeringVector vector, int topK) {

  /** Checks the parts (sizes are checked when the probe is bound). */
  public ConceptProbe {
    checkNotNull(hookPoint, "hookPoint");
    checkNotNull(unembedding, "unembedding");
    checkNotNull(vector, "vector");
    checkArgument(topK >= 1, "topK must be >= 1: %s", topK);
  }

  /** A probe with the paper's k = 1000. */
  public static ConceptProbe of(HookPoint hookPoint, float[][] unembedding, SteeringVector vector) {
    return new ConceptProbe(hookPoint, unembedding, vector, ConceptKl.DEFAULT_TOP_K);
  }

  ConceptKl bind() {
    return ConceptKl.of(unembedding, vector, topK);
  }
}
