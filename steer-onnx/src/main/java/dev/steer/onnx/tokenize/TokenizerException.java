package dev.steer.onnx.tokenize;

import java.io.IOException;

/** A tokenizer file is missing, unreadable, or does not describe a usable tokenizer. */
public final class TokenizerException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the file and the problem. */
  public TokenizerException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
