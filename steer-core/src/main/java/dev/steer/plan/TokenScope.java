package dev.steer.plan;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSortedSet;
import java.util.Arrays;
import java.util.SortedSet;

/**
 * Which token positions of a sequence an intervention touches.
 *
 * <p><b>Positions and steps.</b> Positions are 0-based indices into one sequence (prompt tokens, then
 * generated tokens; left padding is not counted). With a prompt of length P, the <i>decoding step</i> of
 * position p is {@code t = p − (P − 1)}: step 0 is the last prompt token (its forward pass yields the
 * first generated token) and step j ≥ 1 is the j-th generated token, fed back to produce the next one.
 *
 * <p><b>Exact under a KV cache.</b> Whether a position is selected depends only on (p, P), never on
 * how the sequence is chunked into forward passes. A backend that prefills positions [0, P) in one pass
 * and then decodes one position at a time therefore steers exactly the rows that a full recomputation
 * of the whole sequence would steer, and cached keys/values carry the same edits. Use {@link #fillMask}
 * to build the mask of any window.
 *
 * <p>All scopes are immutable values and safe to share across threads.
 */
public sealed interface TokenScope {

  /** True if position {@code position} of a sequence whose prompt has {@code promptLength} tokens is steered. */
  boolean selects(int position, int promptLength);

  /**
   * True if any position in [0, {@code totalLength}) is selected. A plan whose scope selects nothing
   * is almost always a mistake (e.g. explicit positions past the end), so backends reject it.
   */
  boolean selectsAnyWithin(int promptLength, int totalLength);

  /**
   * Writes 1 for selected and 0 for unselected positions of the window [firstPosition, firstPosition +
   * count) into {@code mask[offset ..]}. The prefill window is (0, P); a decode step is (p, 1).
   */
  default void fillMask(float[] mask, int offset, int firstPosition, int count, int promptLength) {
    checkNotNull(mask, "mask");
    checkArgument(count >= 0 && offset >= 0 && offset <= mask.length - count,
        "window of %s positions at offset %s does not fit in a mask of length %s", count, offset, mask.length);
    checkArgument(firstPosition >= 0, "firstPosition must be >= 0: %s", firstPosition);
    checkPromptLength(promptLength);
    for (int i = 0; i < count; i++) {
      mask[offset + i] = selects(firstPosition + i, promptLength) ? 1f : 0f;
    }
  }

  /** Every position, prompt and generated. */
  static TokenScope all() {
    return All.INSTANCE;
  }

  /** Prompt positions only: p &lt; P. */
  static TokenScope prompt() {
    return Prompt.INSTANCE;
  }

  /** Generated positions only: p ≥ P (decoding steps ≥ 1; the last prompt token is not included). */
  static TokenScope generated() {
    return Generated.INSTANCE;
  }

  /** Only the last prompt token, p = P − 1 (decoding step 0). */
  static TokenScope lastPromptToken() {
    return FromStep.LAST_PROMPT_TOKEN;
  }

  /**
   * Positions whose decoding step is at least {@code k}: p ≥ P − 1 + k. {@code fromStep(0)} starts at the
   * last prompt token, {@code fromStep(1)} equals {@link #generated()}.
   */
  static TokenScope fromStep(int k) {
    return new FromStep(k, Integer.MAX_VALUE);
  }

  /** Decoding steps {@code from} to {@code until} inclusive (see the class comment for steps). */
  static TokenScope steps(int from, int until) {
    return new FromStep(from, until);
  }

  /** Exactly these absolute positions. */
  static TokenScope positions(int... positions) {
    return new Positions(positions);
  }

  private static void checkPromptLength(int promptLength) {
    checkArgument(promptLength >= 1, "promptLength must be >= 1: %s", promptLength);
  }

  /** Every position. */
  enum All implements TokenScope {
    INSTANCE;

    @Override
    public boolean selects(int position, int promptLength) {
      return position >= 0;
    }

    @Override
    public boolean selectsAnyWithin(int promptLength, int totalLength) {
      return totalLength > 0;
    }

    @Override
    public String toString() {
      return "all";
    }
  }

  /** Prompt positions p &lt; P. */
  enum Prompt implements TokenScope {
    INSTANCE;

    @Override
    public boolean selects(int position, int promptLength) {
      return position >= 0 && position < promptLength;
    }

    @Override
    public boolean selectsAnyWithin(int promptLength, int totalLength) {
      return promptLength > 0 && totalLength > 0;
    }

    @Override
    public String toString() {
      return "prompt";
    }
  }

  /** Generated positions p ≥ P. */
  enum Generated implements TokenScope {
    INSTANCE;

    @Override
    public boolean selects(int position, int promptLength) {
      return position >= promptLength;
    }

    @Override
    public boolean selectsAnyWithin(int promptLength, int totalLength) {
      return totalLength > promptLength;
    }

    @Override
    public String toString() {
      return "generated";
    }
  }

  /**
   * Decoding steps in [{@code fromStep}, {@code untilStep}], i.e. positions P − 1 + fromStep ≤ p ≤ P − 1 +
   * untilStep.
   *
   * @param fromStep first steered step, ≥ 0
   * @param untilStep last steered step (inclusive), ≥ fromStep; {@link Integer#MAX_VALUE} for no end
   */
  record FromStep(int fromStep, int untilStep) implements TokenScope {
    static final FromStep LAST_PROMPT_TOKEN = new FromStep(0, 0);

    /** Validates the steps. */
    public FromStep {
      checkArgument(fromStep >= 0, "fromStep must be >= 0: %s", fromStep);
      checkArgument(untilStep >= fromStep, "untilStep %s is before fromStep %s", untilStep, fromStep);
    }

    @Override
    public boolean selects(int position, int promptLength) {
      long step = (long) position - (promptLength - 1);
      return position >= 0 && step >= fromStep && step <= untilStep;
    }

    @Override
    public boolean selectsAnyWithin(int promptLength, int totalLength) {
      long first = (long) promptLength - 1 + fromStep;
      return first < totalLength;
    }

    @Override
    public String toString() {
      if (equals(LAST_PROMPT_TOKEN)) {
        return "last_prompt_token";
      }
      return untilStep == Integer.MAX_VALUE
          ? "from_step(" + fromStep + ")"
          : "steps(" + fromStep + ".." + untilStep + ")";
    }
  }

  /**
   * Explicit absolute positions.
   *
   * @param positions the positions, each ≥ 0 (stored sorted and without duplicates)
   */
  record Positions(SortedSet<Integer> positions) implements TokenScope {
    /** Validates and copies. */
    public Positions {
      positions = ImmutableSortedSet.copyOf(checkNotNull(positions, "positions"));
      checkArgument(!positions.isEmpty(), "an explicit position scope needs at least one position");
      checkArgument(positions.first() >= 0, "positions must be >= 0: %s", positions.first());
    }

    Positions(int[] positions) {
      this(ImmutableSortedSet.copyOf(Arrays.stream(checkNotNull(positions, "positions")).boxed().toList()));
    }

    @Override
    public boolean selects(int position, int promptLength) {
      return positions.contains(position);
    }

    @Override
    public boolean selectsAnyWithin(int promptLength, int totalLength) {
      return positions.first() < totalLength;
    }

    @Override
    public String toString() {
      return "positions" + positions;
    }
  }
}
