package dev.steer.onnx;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSortedMap;
import dev.steer.hook.HookPoint;
import java.util.Map;
import java.util.SortedMap;

/**
 * Residual-stream activations captured in one forward pass over a text: for each requested hook point a
 * [tokens][hidden] matrix. Immutable; matrices are copied on access.
 *
 * @param tokens the token ids the pass ran on
 * @param byHookPoint the captured matrices, in depth order
 */
public record Activations(int[] tokens, SortedMap<HookPoint, float[][]> byHookPoint) {

  /** Copies. */
  public Activations {
    tokens = tokens.clone();
    ImmutableSortedMap.Builder<HookPoint, float[][]> b = ImmutableSortedMap.naturalOrder();
    for (Map.Entry<HookPoint, float[][]> e : byHookPoint.entrySet()) {
      b.put(e.getKey(), deepCopy(e.getValue()));
    }
    byHookPoint = b.build();
  }

  /**
   * The [tokens][hidden] activations at {@code hookPoint}.
   *
   * @throws IllegalArgumentException if it was not captured
   */
  public float[][] at(HookPoint hookPoint) {
    float[][] m = byHookPoint.get(hookPoint);
    checkArgument(m != null, "%s was not captured; captured: %s", hookPoint, byHookPoint.keySet());
    return deepCopy(m);
  }

  /** The token ids the pass ran on (a copy). */
  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  private static float[][] deepCopy(float[][] m) {
    float[][] c = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
