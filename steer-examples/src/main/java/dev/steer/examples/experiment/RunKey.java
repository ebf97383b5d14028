package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;

/**
 * Identifies one run of the sweep; a resumed sweep skips every key already in the CSV. The strength is
 * kept in its canonical text form so that a value read back from the CSV equals the one generated.
 */
record RunKey(String concept, String method, String kind, int layer, double strength, int prompt) {

  RunKey {
    checkNotNull(concept, "concept");
    checkNotNull(method, "method");
    checkNotNull(kind, "kind");
    checkArgument(Double.isFinite(strength), "strength must be finite: %s", strength);
    checkArgument(prompt >= 0, "prompt index must be >= 0: %s", prompt);
    checkArgument(layer >= 0, "layer must be >= 0: %s", layer);
  }

  /** The strength as written to the CSV (shortest round-trip decimal). */
  String strengthText() {
    return formatStrength(strength);
  }

  static String formatStrength(double s) {
    return Double.toString(s == 0 ? 0.0 : s).toLowerCase(Locale.ROOT); // no "-0.0" keys
  }

  /** The key's first six CSV fields. */
  String csvPrefix() {
    return String.join(",", concept, method, kind, Integer.toString(layer), strengthText(), Integer.toString(prompt));
  }
}
