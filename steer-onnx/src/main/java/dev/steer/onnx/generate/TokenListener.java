package dev.steer.onnx.generate;

/**
 * Receives generated tokens as they are decided, for streaming output. Called on the generating thread,
 * in order, once per token per batch row; a slow listener slows generation.
 */
@FunctionalInterface
public interface TokenListener {

  /** Ignores every token. */
  TokenListener NONE = (row, tokenId, textDelta) -> {};

  /**
   * One new token.
   *
   * @param row the batch row (0 for single-prompt generation)
   * @param tokenId the token id
   * @param textDelta the text this token added to the row's output (may be empty, e.g. for a stop token
   *     or a byte that completes a character only later)
   */
  void onToken(int row, int tokenId, String textDelta);
}
