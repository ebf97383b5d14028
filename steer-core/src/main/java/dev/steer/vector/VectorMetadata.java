package dev.steer.vector;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.collect.Maps;
import java.util.Map;

/**
 * Where a {@link SteeringVector} came from. Every field is a plain string so that it survives a round
 * trip through GGUF and safetensors metadata; an empty string means "not recorded". Immutable.
 *
 * @param concept what the vector steers towards, e.g. {@code "joyful"}
 * @param method how it was made, e.g. {@code "mean_difference"}
 * @param modelHint the model family it was made on, as a Hugging Face {@code model_type} (e.g. {@code "llama"})
 * @param details anything else worth keeping (sample counts, token position, date), sorted by key
 */
public record VectorMetadata(String concept, String method, String modelHint, Map<String, String> details) {

  /** Nothing recorded. */
  public static final VectorMetadata EMPTY = new VectorMetadata("", "", "", Map.of());

  /** Validates and copies. */
  public VectorMetadata {
    checkNotNull(concept, "concept (use \"\" when unknown)");
    checkNotNull(method, "method (use \"\" when unknown)");
    checkNotNull(modelHint, "modelHint (use \"\" when unknown)");
    details = ImmutableSortedMap.copyOf(checkNotNull(details, "details"));
  }

  /** Metadata naming only the concept. */
  public static VectorMetadata ofConcept(String concept) {
    return EMPTY.withConcept(concept);
  }

  /** A copy with {@code concept} replaced. */
  public VectorMetadata withConcept(String concept) {
    return new VectorMetadata(concept, method, modelHint, details);
  }

  /** A copy with {@code method} replaced. */
  public VectorMetadata withMethod(String method) {
    return new VectorMetadata(concept, method, modelHint, details);
  }

  /** A copy with {@code modelHint} replaced. */
  public VectorMetadata withModelHint(String modelHint) {
    return new VectorMetadata(concept, method, modelHint, details);
  }

  /** A copy with one detail added or replaced. */
  public VectorMetadata withDetail(String key, String value) {
    return new VectorMetadata(
        concept,
        method,
        modelHint,
        ImmutableSortedMap.<String, String>naturalOrder()
            .putAll(Maps.filterKeys(details, k -> !k.equals(key)))
            .put(checkNotNull(key, "key"), checkNotNull(value, "value"))
            .build());
  }

  /** True when nothing is recorded. */
  public boolean isEmpty() {
    return concept.isEmpty() && method.isEmpty() && modelHint.isEmpty() && details.isEmpty();
  }
}
