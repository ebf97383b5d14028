package dev.steer.vector;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.steer.hook.HookPoint;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Steering vectors for several hook points of one model, all of the same dimension, with file-level
 * {@link VectorMetadata} (concept, method, model hint) shared by the set: what a GGUF control
 * vector or a safetensors vector file holds.
 *
 * <p>Entries are ordered by depth ({@link HookPoint#compareTo}). Every vector in the set is tied to
 * its key: {@link #get} returns it with {@link SteeringVector#hookPoint()} equal to the key, and
 * factories reject a vector already tied to a different hook point. A vector keeps its own
 * metadata, which may differ from the set's. A set is never empty. Immutable and thread-safe;
 * equality compares the entries and the set's metadata.
 */
public final class SteeringVectorSet {

  private final ImmutableSortedMap<HookPoint, SteeringVector> vectors;
  private final VectorMetadata metadata;

  private SteeringVectorSet(
      ImmutableSortedMap<HookPoint, SteeringVector> vectors, VectorMetadata metadata) {
    this.vectors = vectors;
    this.metadata = metadata;
  }

  /**
   * A set of the given vectors keyed by hook point.
   *
   * @throws IllegalArgumentException if {@code vectors} is empty, if two vectors differ in
   *     dimension (the message names both hook points and dimensions), or if a vector is tied to a
   *     hook point other than its key
   */
  public static SteeringVectorSet of(
      Map<HookPoint, SteeringVector> vectors, VectorMetadata metadata) {
    checkNotNull(vectors, "vectors");
    checkNotNull(metadata, "metadata");
    checkArgument(!vectors.isEmpty(), "a steering vector set needs at least one vector");
    ImmutableSortedMap.Builder<HookPoint, SteeringVector> b = ImmutableSortedMap.naturalOrder();
    HookPoint first = null;
    int dimension = -1;
    for (Map.Entry<HookPoint, SteeringVector> e : ImmutableSortedMap.copyOf(vectors).entrySet()) {
      HookPoint point = e.getKey();
      SteeringVector v = checkNotNull(e.getValue(), "vector for %s", point);
      Optional<HookPoint> own = v.hookPoint();
      checkArgument(
          own.isEmpty() || own.get().equals(point),
          "the vector stored under %s is tied to %s; a set entry must be tied to its own hook"
              + " point",
          point,
          own.orElse(null));
      if (first == null) {
        first = point;
        dimension = v.dimension();
      } else {
        checkArgument(
            v.dimension() == dimension,
            "all vectors of a set must have one dimension: %s has %s but %s has %s",
            point,
            v.dimension(),
            first,
            dimension);
      }
      b.put(point, own.isPresent() ? v : v.withHookPoint(point));
    }
    return new SteeringVectorSet(b.build(), metadata);
  }

  /**
   * A set of the given vectors with no set-level metadata; see {@link #of(Map, VectorMetadata)}.
   */
  public static SteeringVectorSet of(Map<HookPoint, SteeringVector> vectors) {
    return of(vectors, VectorMetadata.EMPTY);
  }

  /**
   * A set of vectors that each carry their hook point ({@link SteeringVector#withHookPoint}).
   *
   * @throws IllegalArgumentException if a vector has no hook point, two share one, or {@link
   *     #of(Map, VectorMetadata)} rejects them
   */
  public static SteeringVectorSet fromVectors(
      Collection<SteeringVector> vectors, VectorMetadata metadata) {
    checkNotNull(vectors, "vectors");
    Map<HookPoint, SteeringVector> byPoint = new HashMap<>();
    int index = 0;
    for (SteeringVector v : vectors) {
      checkNotNull(v, "vector %s", index);
      checkArgument(v.hookPoint().isPresent(), "vector %s has no hook point", index);
      HookPoint point = v.hookPoint().get();
      checkArgument(byPoint.put(point, v) == null, "two vectors are tied to %s", point);
      index++;
    }
    return of(byPoint, metadata);
  }

  /** The vector at {@code point}, tied to it, or empty if the set has none there. */
  public Optional<SteeringVector> get(HookPoint point) {
    return Optional.ofNullable(vectors.get(checkNotNull(point, "point")));
  }

  /** True if the set has a vector at {@code point}. */
  public boolean contains(HookPoint point) {
    return vectors.containsKey(checkNotNull(point, "point"));
  }

  /** The hook points, shallowest first. */
  public List<HookPoint> hookPoints() {
    return vectors.keySet().asList();
  }

  /** The vectors, shallowest hook point first. */
  public List<SteeringVector> vectors() {
    return ImmutableList.copyOf(vectors.values());
  }

  /** An unmodifiable depth-ordered view of the entries. */
  public SortedMap<HookPoint, SteeringVector> asMap() {
    return vectors;
  }

  /** The number of hook points (at least 1). */
  public int size() {
    return vectors.size();
  }

  /** The hidden size shared by every vector. */
  public int dimension() {
    return vectors.firstEntry().getValue().dimension();
  }

  /** The set-level metadata. */
  public VectorMetadata metadata() {
    return metadata;
  }

  /** A copy with the set-level metadata replaced. */
  public SteeringVectorSet withMetadata(VectorMetadata metadata) {
    return new SteeringVectorSet(vectors, checkNotNull(metadata, "metadata"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SteeringVectorSet s
        && vectors.equals(s.vectors)
        && metadata.equals(s.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(vectors, metadata);
  }

  /**
   * E.g. {@code SteeringVectorSet[d=4096, 3 hook points: blocks.1.hook_resid_post (‖v‖=1.000), ...,
   * concept=joyful, method=mean_difference, model=llama]}; at most eight hook points are listed.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SteeringVectorSet[d=").append(dimension());
    sb.append(", ").append(size()).append(size() == 1 ? " hook point: " : " hook points: ");
    int shown = 0;
    for (Map.Entry<HookPoint, SteeringVector> e : vectors.entrySet()) {
      if (shown == 8) {
        sb.append(", ...");
        break;
      }
      sb.append(shown == 0 ? "" : ", ").append(e.getKey());
      sb.append(String.format(java.util.Locale.ROOT, " (‖v‖=%.4g)", e.getValue().norm()));
      shown++;
    }
    if (!metadata.concept().isEmpty()) {
      sb.append(", concept=").append(metadata.concept());
    }
    if (!metadata.method().isEmpty()) {
      sb.append(", method=").append(metadata.method());
    }
    if (!metadata.modelHint().isEmpty()) {
      sb.append(", model=").append(metadata.modelHint());
    }
    return sb.append(']').toString();
  }
}
