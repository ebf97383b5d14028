package dev.steer.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads whole vector files into memory, refusing anything larger than the documented cap. */
final class FileBytes {

  /**
   * The largest vector file read into memory: 1 GiB. A control vector for a 200-layer model with
   * hidden size 32768 takes 26 MB, so this only stops runaway or hostile input.
   */
  static final int MAX_FILE_BYTES = 1 << 30;

  private FileBytes() {}

  static byte[] read(Path path) throws IOException {
    checkNotNull(path, "path");
    long size = Files.size(path);
    if (size > MAX_FILE_BYTES) {
      throw tooLarge(Long.toString(size), MAX_FILE_BYTES);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in);
    }
  }

  /**
   * Reads {@code in} to its end (not closing it); never buffers more than the cap plus one byte.
   */
  static byte[] read(InputStream in) throws IOException {
    return read(in, MAX_FILE_BYTES);
  }

  /** As {@link #read(InputStream)} with a smaller cap (for tests). */
  static byte[] read(InputStream in, int maxBytes) throws IOException {
    checkNotNull(in, "in");
    byte[] bytes = in.readNBytes(maxBytes + 1); // grows as data arrives, not up front
    if (bytes.length > maxBytes) {
      throw tooLarge("more than " + maxBytes, maxBytes);
    }
    return bytes;
  }

  /** Fails if {@code bytes} exceeds the cap. */
  static void checkSize(byte[] bytes) throws VectorFileException {
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(Integer.toString(bytes.length), MAX_FILE_BYTES);
    }
  }

  private static VectorFileException tooLarge(String size, int maxBytes) {
    return new VectorFileException(
        "vector file has " + size + " bytes; at most " + maxBytes + " are read", null, maxBytes);
  }
}
