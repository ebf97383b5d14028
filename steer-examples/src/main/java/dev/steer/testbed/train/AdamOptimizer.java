package dev.steer.testbed.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba) with global-norm gradient clipping, updating ND4J arrays in place. Step t ≥ 1,
 * gradient g (after clipping to global norm at most c: g ← g·min(1, c/‖g‖₂)):
 *
 * <pre>
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
 *   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * </pre>
 *
 * Not thread-safe.
 */
final class AdamOptimizer {

  private final Map<String, INDArray> parameters;
  private final Map<String, INDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, INDArray> secondMoments = new LinkedHashMap<>();
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private int step;

  /** Optimises the live arrays {@code parameters} (by name). */
  AdamOptimizer(Map<String, INDArray> parameters, double beta1, double beta2, double epsilon) {
    // Insertion order, so the global norm sums in the same order in every JVM (Map.copyOf's does not).
    this.parameters = new LinkedHashMap<>(parameters);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    parameters.forEach(
        (name, p) -> {
          firstMoments.put(name, p.ulike().assign(0));
          secondMoments.put(name, p.ulike().assign(0));
        });
  }

  /**
   * One update with learning rate {@code lr} from {@code gradients} (by parameter name; clipped in
   * place). Returns the global gradient norm before clipping.
   */
  double step(Map<String, INDArray> gradients, double lr, double clipNorm) {
    double sumSquares = 0;
    for (String name : parameters.keySet()) {
      double n = gradients.get(name).norm2Number().doubleValue();
      sumSquares += n * n;
    }
    double norm = Math.sqrt(sumSquares);
    double clip = norm > clipNorm ? clipNorm / norm : 1;
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
      INDArray g = gradients.get(e.getKey()).castTo(e.getValue().dataType()).muli(clip);
      INDArray m = firstMoments.get(e.getKey()).muli(beta1).addi(g.mul(1 - beta1));
      INDArray v = secondMoments.get(e.getKey()).muli(beta2).addi(g.muli(g).muli(1 - beta2));
      INDArray denominator = Transforms.sqrt(v.div(correction2), false).addi(epsilon);
      e.getValue().subi(m.div(correction1).divi(denominator).muli(lr));
    }
    return norm;
  }
}
