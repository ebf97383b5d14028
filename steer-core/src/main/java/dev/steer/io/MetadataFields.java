package dev.steer.io;

import dev.steer.vector.VectorMetadata;
import java.util.HashMap;
import java.util.Map;

/** {@link VectorMetadata} fields collected while scanning a file's keys. Not thread-safe. */
final class MetadataFields {
  static final String DETAIL_PREFIX = "detail.";

  private String concept = "";
  private String method = "";
  private String modelHint = "";
  private final Map<String, String> details = new HashMap<>();

  /**
   * Records {@code value} under {@code field} ({@code concept}, {@code method}, {@code model_hint}
   * or {@code detail.<k>}); other fields are ignored.
   */
  void set(String field, String value) {
    switch (field) {
      case "concept" -> concept = value;
      case "method" -> method = value;
      case "model_hint" -> modelHint = value;
      default -> {
        if (field.startsWith(DETAIL_PREFIX)) {
          details.put(field.substring(DETAIL_PREFIX.length()), value);
        }
      }
    }
  }

  /** True if {@code field} is one {@link #set} records. */
  static boolean isKnown(String field) {
    return field.equals("concept")
        || field.equals("method")
        || field.equals("model_hint")
        || field.startsWith(DETAIL_PREFIX);
  }

  VectorMetadata build() {
    return new VectorMetadata(concept, method, modelHint, details);
  }

  /** Puts the non-empty fields of {@code md} into {@code out} under {@code prefix + field}. */
  static void put(
      Map<String, Object> out, String prefix, VectorMetadata md, boolean withModelHint) {
    if (!md.concept().isEmpty()) {
      out.put(prefix + "concept", md.concept());
    }
    if (!md.method().isEmpty()) {
      out.put(prefix + "method", md.method());
    }
    if (withModelHint && !md.modelHint().isEmpty()) {
      out.put(prefix + "model_hint", md.modelHint());
    }
    md.details().forEach((k, v) -> out.put(prefix + DETAIL_PREFIX + k, v));
  }
}
