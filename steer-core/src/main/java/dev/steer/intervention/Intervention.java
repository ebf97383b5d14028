package dev.steer.intervention;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * An edit of residual-stream activations, applied independently to each token's row h (length
 * {@link #dimension()}). Each implementation states its formula; the methods here are the pure reference
 * semantics that backends (for example the ONNX graph compiler) must reproduce.
 *
 * <p>Implementations are immutable records and safe to share across threads. Arithmetic is carried out
 * in double precision and rounded to float once per component.
 */
public sealed interface Intervention
    permits Additive,
        Ablation,
        Clamp,
        AngularRotation,
        PlaneRotation,
        SlerpTowards,
        Sequence {

  /** The hidden size this intervention expects. */
  int dimension();

  /** A short lower-case name of the kind, e.g. {@code additive}, stable across releases (files, CLI, plan shapes). */
  String kind();

  /**
   * Applies the edit in place to the row {@code buffer[offset .. offset + dimension())}.
   *
   * @throws IllegalArgumentException if the row does not fit in {@code buffer}
   */
  void applyInPlace(float[] buffer, int offset);

  /** Returns h' for one row h; {@code h} is not modified. */
  default float[] apply(float[] h) {
    checkNotNull(h, "h");
    checkArgument(
        h.length == dimension(),
        "activation row has length %s but this %s intervention expects hidden size %s",
        h.length,
        kind(),
        dimension());
    float[] out = h.clone();
    applyInPlace(out, 0);
    return out;
  }

  /** Returns h' for each row of a batch (tokens × hidden); {@code rows} is not modified. */
  default float[][] apply(float[][] rows) {
    checkNotNull(rows, "rows");
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = apply(rows[i]);
    }
    return out;
  }

  /**
   * Applies the edit to every row of a row-major (rows × dimension) buffer, in place.
   *
   * @throws IllegalArgumentException if the buffer length is not a multiple of the dimension
   */
  default void applyToRows(float[] rowMajor) {
    checkNotNull(rowMajor, "rowMajor");
    int d = dimension();
    checkArgument(
        rowMajor.length % d == 0,
        "buffer length %s is not a multiple of the hidden size %s",
        rowMajor.length,
        d);
    for (int off = 0; off < rowMajor.length; off += d) {
      applyInPlace(rowMajor, off);
    }
  }
}
