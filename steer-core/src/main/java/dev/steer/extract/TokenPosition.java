package dev.steer.extract;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Which token (or tokens) of an example supply its activation vector.
 *
 * <p>An example's activations are a {@code [tokens][hidden]} matrix; a position turns it into one
 * row:
 *
 * <ul>
 *   <li>{@link #LAST}: the last token, where a causal model has read the whole prompt.
 *   <li>{@link #offset(int) offset(k)}: token {@code k} counted from the start when {@code k ≥ 0},
 *       from the end when {@code k < 0} ({@code -1} is the last token). CAA reads token {@code -2},
 *       the answer letter of an A/B prompt that ends {@code "(A)"}.
 *   <li>{@link #MEAN}: the mean over every token.
 *   <li>{@link #MEAN_SKIP_FIRST}: the mean over every token but the first. DiffMean variants skip
 *       the beginning-of-sequence token, whose activation is huge and carries no content; use this
 *       when the tokenizer prepends one.
 * </ul>
 *
 * <p>An example too short for the position is rejected with its length. Positions are immutable
 * values; {@link #id()} names them in vector metadata and {@link #parse(String)} reads that name
 * back.
 */
public sealed interface TokenPosition permits TokenPosition.Offset, TokenPosition.Mean {

  /** The last token. Equal to {@code offset(-1)}. */
  TokenPosition LAST = new Offset(-1);

  /** The mean over all tokens. */
  TokenPosition MEAN = new Mean(false);

  /**
   * The mean over all tokens except the first (the BOS token); needs examples of at least 2 tokens.
   */
  TokenPosition MEAN_SKIP_FIRST = new Mean(true);

  /** Token {@code k}: from the start when {@code k ≥ 0}, from the end when {@code k < 0}. */
  static TokenPosition offset(int k) {
    return new Offset(k);
  }

  /**
   * Reads a name written by {@link #id()}: {@code "last"}, {@code "offset:-2"}, {@code "mean"} or
   * {@code "mean_skip_first"}.
   *
   * @throws IllegalArgumentException if {@code id} is none of these
   */
  static TokenPosition parse(String id) {
    checkNotNull(id, "id");
    switch (id) {
      case "last":
        return LAST;
      case "mean":
        return MEAN;
      case "mean_skip_first":
        return MEAN_SKIP_FIRST;
      default:
        if (id.startsWith("offset:")) {
          try {
            return offset(Integer.parseInt(id.substring("offset:".length())));
          } catch (NumberFormatException e) {
            // fall through to the message below
          }
        }
        throw new IllegalArgumentException(
            "unknown token position \""
                + id
                + "\"; expected last, offset:<int>, mean or mean_skip_first");
    }
  }

  /**
   * The stable name used in metadata: {@code last}, {@code offset:<k>}, {@code mean} or {@code
   * mean_skip_first}.
   */
  String id();

  /**
   * A single token: {@code k ≥ 0} counts from the start, {@code k < 0} from the end.
   *
   * @param k the token offset
   */
  record Offset(int k) implements TokenPosition {
    @Override
    public String id() {
      return k == -1 ? "last" : "offset:" + k;
    }

    /**
     * The 0-based row this offset picks in an example of {@code tokens} tokens, or -1 if out of
     * range.
     */
    int rowIn(int tokens) {
      int row = k >= 0 ? k : tokens + k;
      return row >= 0 && row < tokens ? row : -1;
    }

    @Override
    public String toString() {
      return id();
    }
  }

  /**
   * The mean over tokens, optionally skipping the first.
   *
   * @param skipFirst whether the first token (BOS) is left out
   */
  record Mean(boolean skipFirst) implements TokenPosition {
    @Override
    public String id() {
      return skipFirst ? "mean_skip_first" : "mean";
    }

    @Override
    public String toString() {
      return id();
    }
  }
}
