package dev.steer.examples.cli;

/** A model directory, vector file or prompt file could not be read: exit code {@value SteerCli#LOAD_ERROR}. */
final class LoadException extends Exception {
  private static final long serialVersionUID = 1L;

  LoadException(String message, Throwable cause) {
    super(message, cause);
  }

  LoadException(String message) {
    super(message);
  }
}
