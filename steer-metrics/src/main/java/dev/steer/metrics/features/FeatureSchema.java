package dev.steer.metrics.features;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ordered names of the early-token steerability features for a set of decoding steps and layer
 * offsets. Equal schemas have equal names in equal order, so feature vectors of different runs (and
 * models with enough layers) line up column by column.
 *
 * <p>Steps t are decoding steps (0 = last prompt token); offsets o are layers relative to the steered
 * layer L (o = 0 is L itself), so names do not depend on L. The matrices, in this order:
 *
 * <ol>
 *   <li>{@code magdiff}: ‖s − r‖, all steps × all offsets;
 *   <li>{@code cossim}: cos(s, r), all steps × all offsets;
 *   <li>{@code steeralign}: cos(s − r, u), all steps × offsets ≠ 0;
 *   <li>{@code steerproj}: cos(s, u), all steps × all offsets;
 *   <li>{@code magdiff_ratio}: magdiff(t)/magdiff(0), steps ≠ 0 × all offsets;
 *   <li>{@code cossim_delta}: cossim(t) − cossim(0), steps ≠ 0 × all offsets;
 *   <li>{@code steeralign_delta}: steeralign(t) − steeralign(0), steps ≠ 0 × offsets ≠ 0.
 * </ol>
 *
 * <p>For each non-empty matrix M, in this order: its cells row by row, {@code M_t{t}_l{o}} (e.g.
 * {@code magdiff_t1_l2}: step 1, layer L+2); its global {@code M_mean}, {@code M_std}, {@code M_max},
 * {@code M_min}; per step (row) {@code M_t{t}_mean}, {@code _std}, {@code _max}; per offset (column)
 * {@code M_l{o}_mean}, {@code _std}, {@code _max}. Last come {@code vector_norm} (‖v‖) and
 * {@code alpha}. A schema {@linkplain #withExtraColumns extended} with extra named columns (e.g. the
 * per-step branching factor and KL of {@code dev.steer.metrics.run.EarlyFeatures}) lists them after
 * {@code alpha}, in the order given; {@link SteerabilityFeatures} computes only base schemas. Immutable
 * and thread-safe.
 */
public final class FeatureSchema {

  /** Fan et al.'s decoding steps. */
  public static final ImmutableList<Integer> DEFAULT_STEPS = ImmutableList.of(0, 1, 3, 5);

  /** Fan et al.'s layer offsets from the steered layer. */
  public static final ImmutableList<Integer> DEFAULT_LAYER_OFFSETS = ImmutableList.of(0, 1, 2, 3, 5, 10, 15);

  /** Bound on steps × offsets, so that a hostile schema cannot exhaust memory with names. */
  private static final int MAX_CELLS = 10_000;

  private final ImmutableList<Integer> steps;
  private final ImmutableList<Integer> layerOffsets;
  private final ImmutableList<String> extraColumns;
  private final ImmutableList<Block> blocks;
  private final ImmutableList<String> names;
  private final ImmutableMap<String, Integer> index;

  private FeatureSchema(ImmutableList<Integer> steps, ImmutableList<Integer> layerOffsets) {
    this(steps, layerOffsets, ImmutableList.of());
  }

  private FeatureSchema(
      ImmutableList<Integer> steps, ImmutableList<Integer> layerOffsets, ImmutableList<String> extraColumns) {
    this.steps = steps;
    this.layerOffsets = layerOffsets;
    this.extraColumns = extraColumns;
    ImmutableList<Integer> laterSteps = steps.subList(1, steps.size());
    ImmutableList<Integer> deeperOffsets =
        layerOffsets.get(0) == 0 ? layerOffsets.subList(1, layerOffsets.size()) : layerOffsets;
    ImmutableList.Builder<Block> b = ImmutableList.builder();
    for (Matrix matrix : Matrix.values()) {
      ImmutableList<Integer> rows = matrix.laterStepsOnly ? laterSteps : steps;
      ImmutableList<Integer> columns = matrix.deeperOffsetsOnly ? deeperOffsets : layerOffsets;
      if (!rows.isEmpty() && !columns.isEmpty()) {
        b.add(new Block(matrix, rows, columns));
      }
    }
    this.blocks = b.build();
    ImmutableList.Builder<String> n = ImmutableList.builder();
    for (Block block : blocks) {
      addNames(block, n);
    }
    n.add("vector_norm", "alpha");
    n.addAll(extraColumns);
    this.names = n.build();
    ImmutableMap.Builder<String, Integer> m = ImmutableMap.builder();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    this.index = m.buildOrThrow();
  }

  private static void addNames(Block block, ImmutableList.Builder<String> n) {
    String p = block.name();
    for (int t : block.steps()) {
      for (int o : block.offsets()) {
        n.add(p + "_t" + t + "_l" + o);
      }
    }
    n.add(p + "_mean", p + "_std", p + "_max", p + "_min");
    for (int t : block.steps()) {
      n.add(p + "_t" + t + "_mean", p + "_t" + t + "_std", p + "_t" + t + "_max");
    }
    for (int o : block.offsets()) {
      n.add(p + "_l" + o + "_mean", p + "_l" + o + "_std", p + "_l" + o + "_max");
    }
  }

  /** The paper's schema: steps {0, 1, 3, 5}, offsets {0, 1, 2, 3, 5, 10, 15}. */
  public static FeatureSchema standard() {
    return new FeatureSchema(DEFAULT_STEPS, DEFAULT_LAYER_OFFSETS);
  }

  /**
   * The paper's steps and those of its offsets whose layer exists: L + o &lt; layerCount.
   *
   * @throws IllegalArgumentException unless 0 ≤ steeredLayer &lt; layerCount
   */
  public static FeatureSchema forModel(int steeredLayer, int layerCount) {
    checkArgument(layerCount > 0, "layerCount must be positive: %s", layerCount);
    checkArgument(
        steeredLayer >= 0 && steeredLayer < layerCount,
        "steeredLayer must be in [0, %s): %s",
        layerCount,
        steeredLayer);
    ImmutableList.Builder<Integer> offsets = ImmutableList.builder();
    for (int o : DEFAULT_LAYER_OFFSETS) {
      if (steeredLayer + o < layerCount) {
        offsets.add(o);
      }
    }
    return new FeatureSchema(DEFAULT_STEPS, offsets.build());
  }

  /**
   * A schema for custom steps and offsets.
   *
   * @param steps strictly ascending, starting at 0 (the dynamics are relative to step 0)
   * @param layerOffsets strictly ascending, non-negative, non-empty
   * @throws IllegalArgumentException if either list breaks its contract, or steps × offsets exceeds
   *     10,000
   */
  public static FeatureSchema of(List<Integer> steps, List<Integer> layerOffsets) {
    checkNotNull(steps, "steps");
    checkNotNull(layerOffsets, "layerOffsets");
    checkArgument(!steps.isEmpty() && steps.get(0) == 0, "steps must start at 0: %s", steps);
    checkArgument(!layerOffsets.isEmpty(), "layerOffsets must not be empty");
    checkArgument(layerOffsets.get(0) >= 0, "layerOffsets must be non-negative: %s", layerOffsets);
    checkAscending(steps, "steps");
    checkAscending(layerOffsets, "layerOffsets");
    checkArgument(
        (long) steps.size() * layerOffsets.size() <= MAX_CELLS,
        "%s steps × %s layer offsets exceeds %s cells per matrix; the schema would not fit in memory",
        steps.size(),
        layerOffsets.size(),
        MAX_CELLS);
    return new FeatureSchema(ImmutableList.copyOf(steps), ImmutableList.copyOf(layerOffsets));
  }

  private static void checkAscending(List<Integer> values, String name) {
    for (int i = 1; i < values.size(); i++) {
      checkArgument(values.get(i) > values.get(i - 1), "%s must be strictly ascending: %s", name, values);
    }
  }

  /**
   * This schema with {@code names} appended after its last column (after any extra columns it already
   * has). Names must be non-empty, use only {@code [a-z0-9_]} (so CSV needs no quoting) and be new.
   *
   * @throws IllegalArgumentException if a name is empty, has another character, or repeats a column
   */
  public FeatureSchema withExtraColumns(List<String> names) {
    checkNotNull(names, "names");
    ImmutableList<String> extra =
        ImmutableList.<String>builder().addAll(extraColumns).addAll(names).build();
    Set<String> seen = new HashSet<>(this.names);
    for (String name : names) {
      checkNotNull(name, "extra column name");
      checkArgument(
          name.matches("[a-z0-9_]+"), "extra column name must match [a-z0-9_]+: '%s'", name);
      checkArgument(seen.add(name), "extra column %s repeats a column of the schema", name);
    }
    return new FeatureSchema(steps, layerOffsets, extra);
  }

  /** The extra columns appended after {@code alpha}, in order; empty for a base schema. */
  public ImmutableList<String> extraColumns() {
    return extraColumns;
  }

  /** This schema without its extra columns (itself if it has none). */
  public FeatureSchema base() {
    return extraColumns.isEmpty() ? this : new FeatureSchema(steps, layerOffsets);
  }

  /** Decoding steps, the rows of the hidden-state inputs. */
  public ImmutableList<Integer> steps() {
    return steps;
  }

  /** Layer offsets from the steered layer, the columns of the hidden-state inputs. */
  public ImmutableList<Integer> layerOffsets() {
    return layerOffsets;
  }

  /** Feature names in column order. */
  public ImmutableList<String> names() {
    return names;
  }

  /** Number of features. */
  public int size() {
    return names.size();
  }

  /**
   * The column of a feature.
   *
   * @throws IllegalArgumentException if the schema has no such feature
   */
  public int indexOf(String name) {
    Integer i = index.get(checkNotNull(name, "name"));
    checkArgument(i != null, "no feature named %s in this schema", name);
    return i;
  }

  /** The CSV header line: the names joined by commas, no trailing newline. */
  public String csvHeader() {
    return String.join(",", names);
  }

  ImmutableList<Block> blocks() {
    return blocks;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureSchema other
        && steps.equals(other.steps)
        && layerOffsets.equals(other.layerOffsets)
        && extraColumns.equals(other.extraColumns);
  }

  @Override
  public int hashCode() {
    return (31 * steps.hashCode() + layerOffsets.hashCode()) * 31 + extraColumns.hashCode();
  }

  @Override
  public String toString() {
    return "FeatureSchema{steps=" + steps + ", layerOffsets=" + layerOffsets
        + (extraColumns.isEmpty() ? "" : ", extraColumns=" + extraColumns) + ", size=" + size() + "}";
  }
}
