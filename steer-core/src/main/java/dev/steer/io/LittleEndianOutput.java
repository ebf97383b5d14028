package dev.steer.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Builds a little-endian byte array in memory. Not thread-safe. */
final class LittleEndianOutput {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  int size() {
    return out.size();
  }

  LittleEndianOutput u8(int v) {
    out.write(v);
    return this;
  }

  LittleEndianOutput u32(long v) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  LittleEndianOutput u64(long v) {
    for (int i = 0; i < 8; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  LittleEndianOutput f32(float v) {
    return u32(Float.floatToRawIntBits(v));
  }

  LittleEndianOutput bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  /** Writes {@code fill} until the size is a multiple of {@code alignment}. */
  LittleEndianOutput padTo(int alignment, int fill) {
    while (out.size() % alignment != 0) {
      out.write(fill);
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  /**
   * Strict UTF-8: a string with an unpaired surrogate cannot be written faithfully.
   *
   * @throws IllegalArgumentException naming {@code what} when {@code s} is not valid UTF-16
   */
  static byte[] utf8(String s, String what) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] r = new byte[b.remaining()];
      b.get(r);
      return r;
    } catch (CharacterCodingException e) {
      checkArgument(
          false, "%s holds an unpaired surrogate and cannot be written as UTF-8: %s", what, s);
      throw new AssertionError(e);
    }
  }
}
