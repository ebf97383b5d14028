package dev.steer.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Assembles little-endian test fixtures field by field, independently of the production writers.
 */
final class LeBytes {

  private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

  private LeBytes room(int n) {
    if (buf.remaining() < n) {
      ByteBuffer bigger =
          ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
              .order(ByteOrder.LITTLE_ENDIAN);
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
    return this;
  }

  int position() {
    return buf.position();
  }

  LeBytes raw(byte... b) {
    room(b.length).buf.put(b);
    return this;
  }

  LeBytes ascii(String s) {
    return raw(s.getBytes(StandardCharsets.US_ASCII));
  }

  LeBytes u8(int v) {
    room(1).buf.put((byte) v);
    return this;
  }

  LeBytes u16(int v) {
    room(2).buf.putShort((short) v);
    return this;
  }

  LeBytes u32(long v) {
    room(4).buf.putInt((int) v);
    return this;
  }

  LeBytes u64(long v) {
    room(8).buf.putLong(v);
    return this;
  }

  LeBytes f32(float v) {
    room(4).buf.putFloat(v);
    return this;
  }

  LeBytes f64(double v) {
    room(8).buf.putDouble(v);
    return this;
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes. */
  LeBytes str(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return u64(b.length).raw(b);
  }

  LeBytes padTo(int alignment) {
    while (buf.position() % alignment != 0) {
      u8(0);
    }
    return this;
  }

  byte[] toArray() {
    return Arrays.copyOf(buf.array(), buf.position());
  }
}
