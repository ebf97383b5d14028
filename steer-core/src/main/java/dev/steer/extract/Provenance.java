package dev.steer.extract;

import dev.steer.vector.VectorMetadata;
import java.util.Locale;

/** The metadata every extraction method records. */
final class Provenance {

  private Provenance() {}

  static VectorMetadata of(
      ExtractionMethod method, ContrastiveActivations activations, TokenPosition position) {
    return VectorMetadata.EMPTY
        .withMethod(method.id())
        .withDetail("positives", Integer.toString(activations.positiveCount()))
        .withDetail("negatives", Integer.toString(activations.negativeCount()))
        .withDetail("token_position", position.id());
  }

  /** A number in metadata: shortest round-trip form, locale-independent. */
  static String number(double value) {
    return String.format(Locale.ROOT, "%s", value);
  }
}
