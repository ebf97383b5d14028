package dev.steer.metrics.predict;

/**
 * Fan et al.'s labels of a steered generation, with their class indices.
 */
public enum SteerOutcome {
  /** 0: the concept is absent and the text coherent. */
  UNDER_STEER,
  /** 1: the concept is present, the text coherent and still answering the prompt. */
  SUCCESS,
  /** 2: the text no longer answers, is incoherent, gibberish or empty. */
  OVER_STEER;

  /** The class index (0, 1, 2). */
  public int index() {
    return ordinal();
  }
}
