package dev.steer.onnx;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.generate.Generation;
import java.util.List;
import java.util.Map;

/**
 * A steered generation together with an unsteered teacher-forced replay of the same tokens, computed in
 * the same batched forward passes (two batch rows). At every step t (0 = the last prompt token) it holds
 * both next-token logit rows, and the last-position activations at the requested hook points, so that
 * KL, entropy and early-token steerability features cost one decoding, not two. Immutable.
 *
 * @param steered the steered generation
 * @param steeredLogits per step, the steered next-token logits
 * @param unsteeredLogits per step, the unsteered model's next-token logits on the same context
 * @param steeredActivations per step, captured activations of the steered row at the step's position
 * @param unsteeredActivations per step, the same for the unsteered replay
 */
public record ComparedGeneration(
    Generation steered,
    List<float[]> steeredLogits,
    List<float[]> unsteeredLogits,
    List<Map<HookPoint, float[]>> steeredActivations,
    List<Map<HookPoint, float[]>> unsteeredActivations) {

  /** Copies the lists (rows are shared: treat them as read-only). */
  public ComparedGeneration {
    steeredLogits = ImmutableList.copyOf(steeredLogits);
    unsteeredLogits = ImmutableList.copyOf(unsteeredLogits);
    steeredActivations = steeredActivations.stream().map(ImmutableMap::copyOf).collect(ImmutableList.toImmutableList());
    unsteeredActivations =
        unsteeredActivations.stream().map(ImmutableMap::copyOf).collect(ImmutableList.toImmutableList());
  }

  /** Number of decoding steps recorded. */
  public int steps() {
    return steeredLogits.size();
  }
}
