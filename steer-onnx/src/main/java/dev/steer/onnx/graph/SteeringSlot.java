package dev.steer.onnx.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.steer.hook.HookPoint;
import java.util.List;

/**
 * Where to insert interventions and of which kinds: the compiled shape of a steering entry, without its
 * values. The kinds are applied in list order to the tensor at {@code hookPoint}, each gated by its own token
 * mask. Graph input names derive from the hook point's TransformerLens name, e.g.
 * {@code steer.blocks.3.hook_resid_post.0.mask} and {@code steer.blocks.3.hook_resid_post.0.alpha}.
 * Immutable and thread-safe.
 *
 * @param hookPoint where the edit happens
 * @param kinds the interventions in application order; at least one
 */
public record SteeringSlot(HookPoint hookPoint, List<InterventionKind> kinds) {

  /** Validates and copies. */
  public SteeringSlot {
    checkNotNull(hookPoint, "hookPoint");
    kinds = ImmutableList.copyOf(checkNotNull(kinds, "kinds"));
    checkArgument(!kinds.isEmpty(), "a steering slot at %s needs at least one intervention kind", hookPoint);
  }

  /** A slot with the given kinds in order. */
  public static SteeringSlot of(HookPoint hookPoint, InterventionKind first, InterventionKind... rest) {
    return new SteeringSlot(hookPoint, ImmutableList.<InterventionKind>builder().add(first).add(rest).build());
  }

  /**
   * Name of the float token-mask input of the intervention at position {@code step}, shape {@code [batch,
   * seq]}: 1 edits that token's row, 0 leaves it exactly unchanged, values in between blend. Each step has
   * its own mask so that entries sharing a hook point keep their own token scopes.
   *
   * @throws IndexOutOfBoundsException if {@code step} is not a position in {@link #kinds()}
   */
  public String maskInputName(int step) {
    checkElementIndex(step, kinds.size(), "step");
    return "steer." + hookPoint.name() + "." + step + ".mask";
  }

  /**
   * Name of the graph input carrying {@code parameter} of the intervention at position {@code step}.
   *
   * @throws IndexOutOfBoundsException if {@code step} is not a position in {@link #kinds()}
   * @throws IllegalArgumentException if that kind has no such parameter
   */
  public String inputName(int step, SteeringParameter parameter) {
    checkElementIndex(step, kinds.size(), "step");
    checkNotNull(parameter, "parameter");
    checkArgument(
        kinds.get(step).parameters().contains(parameter),
        "%s has no parameter %s; it reads %s",
        kinds.get(step),
        parameter,
        kinds.get(step).parameters());
    return "steer." + hookPoint.name() + "." + step + "." + parameter.inputSuffix();
  }
}
