package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Several interventions at one hook point, applied in list order: <b>h' = fₙ(…f₂(f₁(h)))</b>. Order
 * matters (an ablation after an addition removes part of what was added; before it, nothing).
 *
 * @param steps the interventions in application order; at least one, all of one hidden size
 */
public record Sequence(List<Intervention> steps) implements Intervention {

  /** Validates and copies. */
  public Sequence {
    steps = ImmutableList.copyOf(checkNotNull(steps, "steps"));
    checkArgument(!steps.isEmpty(), "a sequence needs at least one intervention");
    int d = steps.get(0).dimension();
    for (Intervention step : steps) {
      checkArgument(
          step.dimension() == d,
          "all interventions of a sequence need one hidden size: %s has %s, the first has %s",
          step.kind(),
          step.dimension(),
          d);
    }
  }

  /** {@code first}, then each of {@code rest}, in order. */
  public static Sequence of(Intervention first, Intervention... rest) {
    return new Sequence(ImmutableList.<Intervention>builder().add(first).add(rest).build());
  }

  @Override
  public int dimension() {
    return steps.get(0).dimension();
  }

  @Override
  public String kind() {
    return "sequence";
  }

  @Override
  public void applyInPlace(float[] buffer, int offset) {
    for (Intervention step : steps) {
      step.applyInPlace(buffer, offset);
    }
  }
}
