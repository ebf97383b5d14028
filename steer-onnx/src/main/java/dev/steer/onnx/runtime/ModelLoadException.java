package dev.steer.onnx.runtime;

import java.io.IOException;

/** A model directory is missing a file, holds a corrupt one, or describes a model Steer cannot run. */
public final class ModelLoadException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the file and the problem. */
  public ModelLoadException(String message) {
    super(message);
  }

  /** With a message and the underlying cause. */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
