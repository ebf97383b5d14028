package dev.steer.onnx.graph;

/**
 * Thrown when the residual stream of an ONNX graph cannot be mapped onto transformer blocks. The message
 * says what was found (how many candidate residual adds, where the chain of adds broke, at which node) so
 * that an unsupported export can be diagnosed without a debugger.
 */
public final class GraphMappingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given diagnostic message. */
  public GraphMappingException(String message) {
    super(message);
  }
}
