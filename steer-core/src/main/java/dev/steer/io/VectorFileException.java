package dev.steer.io;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A vector file that cannot be read: malformed, truncated, hostile, or valid in its container
 * format but not a steering vector file this library accepts. Every reader in {@code dev.steer.io}
 * reports bad input only through this exception (never by running out of memory or with an
 * unchecked exception).
 *
 * <p>The message says what was wrong and what was expected, and ends with the field and byte offset
 * at fault when known, e.g. {@code "string length 1152921504606846976 exceeds the 40 bytes left
 * [field general.architecture, byte offset 24]"}. Both are also available as accessors.
 */
public final class VectorFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String field; // nullable
  private final long byteOffset; // -1 when unknown

  /**
   * An exception about {@code field} at {@code byteOffset} (from the start of the file).
   *
   * @param detail what was wrong and what was expected
   * @param field the field, key or tensor at fault, or null when none applies
   * @param byteOffset where in the file, or -1 when unknown
   */
  public VectorFileException(String detail, String field, long byteOffset) {
    super(compose(detail, field, byteOffset));
    this.field = field;
    this.byteOffset = byteOffset < 0 ? -1 : byteOffset;
  }

  /** An exception about {@code field}, with no byte offset. */
  public VectorFileException(String detail, String field) {
    this(detail, field, -1);
  }

  private static String compose(String detail, String field, long byteOffset) {
    if (field == null && byteOffset < 0) {
      return detail;
    }
    StringBuilder sb = new StringBuilder(detail).append(" [");
    if (field != null) {
      sb.append("field ").append(field);
    }
    if (byteOffset >= 0) {
      sb.append(field != null ? ", " : "").append("byte offset ").append(byteOffset);
    }
    return sb.append(']').toString();
  }

  /** The field, metadata key or tensor name at fault, if known. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The byte offset in the file at fault, if known. */
  public OptionalLong byteOffset() {
    return byteOffset < 0 ? OptionalLong.empty() : OptionalLong.of(byteOffset);
  }
}
