package dev.steer.onnx.runtime;

/**
 * ONNX Runtime failed while compiling or running a steered graph. The message names the step that failed;
 * the cause carries ONNX Runtime's own error. The model remains usable for other calls.
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a message and ONNX Runtime's error. */
  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
