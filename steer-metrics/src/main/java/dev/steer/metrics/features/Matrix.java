package dev.steer.metrics.features;

/**
 * The feature matrices in schema order, with their name prefix and which rows and columns they have:
 * dynamics exist only for steps after 0, alignment with u only for layers after the steered one.
 */
enum Matrix {
  MAGDIFF("magdiff", false, false),
  COSSIM("cossim", false, false),
  STEERALIGN("steeralign", false, true),
  STEERPROJ("steerproj", false, false),
  MAGDIFF_RATIO("magdiff_ratio", true, false),
  COSSIM_DELTA("cossim_delta", true, false),
  STEERALIGN_DELTA("steeralign_delta", true, true);

  final String prefix;
  final boolean laterStepsOnly;
  final boolean deeperOffsetsOnly;

  Matrix(String prefix, boolean laterStepsOnly, boolean deeperOffsetsOnly) {
    this.prefix = prefix;
    this.laterStepsOnly = laterStepsOnly;
    this.deeperOffsetsOnly = deeperOffsetsOnly;
  }
}
