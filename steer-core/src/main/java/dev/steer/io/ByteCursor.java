package dev.steer.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads little-endian fields from a byte array, checking every length against the bytes that remain
 * before anything is allocated. Reading past {@code limit} throws {@link VectorFileException}
 * naming the field and offset. Not thread-safe.
 */
final class ByteCursor {

  private final ByteBuffer buffer;
  private final int limit;
  private final String limitReason; // why reading stops at limit
  private int position;

  /**
   * @param limit reading stops here (at most {@code bytes.length})
   * @param limitReason what running into {@code limit} means, e.g. "end of file"
   */
  ByteCursor(byte[] bytes, int limit, String limitReason) {
    this.buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    this.limit = Math.min(limit, bytes.length);
    this.limitReason = limitReason;
  }

  int position() {
    return position;
  }

  long remaining() {
    return limit - position;
  }

  /** Fails unless {@code n} more bytes can be read. */
  void require(long n, String field) throws VectorFileException {
    if (n < 0 || n > remaining()) {
      throw new VectorFileException(
          "truncated: "
              + field
              + " needs "
              + n
              + " bytes but only "
              + remaining()
              + " remain before the "
              + limitReason,
          field,
          position);
    }
  }

  int u8(String field) throws VectorFileException {
    require(1, field);
    return buffer.get(position++) & 0xff;
  }

  int u16(String field) throws VectorFileException {
    require(2, field);
    int v = buffer.getShort(position) & 0xffff;
    position += 2;
    return v;
  }

  /** An unsigned 32-bit field, widened. */
  long u32(String field) throws VectorFileException {
    require(4, field);
    long v = buffer.getInt(position) & 0xffffffffL;
    position += 4;
    return v;
  }

  /** A 64-bit field, raw (an unsigned value above 2^63 − 1 reads as negative). */
  long u64(String field) throws VectorFileException {
    require(8, field);
    long v = buffer.getLong(position);
    position += 8;
    return v;
  }

  /**
   * An unsigned 64-bit count of items that each take at least {@code minItemBytes}: fails unless it
   * fits in the remaining bytes and is at most {@code max}.
   */
  long count(String field, long minItemBytes, long max) throws VectorFileException {
    int at = position;
    long n = u64(field);
    if (n < 0 || n > max) {
      throw new VectorFileException(
          field + " is " + Long.toUnsignedString(n) + "; at most " + max + " is accepted",
          field,
          at);
    }
    if (n > remaining() / minItemBytes) {
      throw new VectorFileException(
          "truncated or corrupt: "
              + field
              + " is "
              + n
              + " but the "
              + remaining()
              + " bytes left before the "
              + limitReason
              + " hold at most "
              + remaining() / minItemBytes,
          field,
          at);
    }
    return n;
  }

  void skip(long n, String field) throws VectorFileException {
    require(n, field);
    position += (int) n;
  }

  /** {@code length} bytes decoded as strict UTF-8. */
  String utf8(long length, String field) throws VectorFileException {
    require(length, field);
    int at = position;
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(buffer.array(), at, (int) length))
              .toString();
      position += (int) length;
      return s;
    } catch (CharacterCodingException e) {
      throw new VectorFileException(field + " is not valid UTF-8", field, at);
    }
  }

  /**
   * {@code length} little-endian float32 values at {@code start} (bounds checked by the caller),
   * each required to be finite.
   *
   * @throws VectorFileException naming {@code tensor}, the component and its byte offset otherwise
   */
  static float[] finiteFloats(byte[] bytes, int start, int length, String tensor)
      throws VectorFileException {
    ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[length];
    for (int i = 0; i < length; i++) {
      values[i] = data.getFloat(start + 4 * i);
      if (!Float.isFinite(values[i])) {
        throw new VectorFileException(
            "tensor "
                + tensor
                + " component "
                + i
                + " is "
                + values[i]
                + "; steering vectors must be finite",
            tensor,
            start + 4L * i);
      }
    }
    return values;
  }
}
