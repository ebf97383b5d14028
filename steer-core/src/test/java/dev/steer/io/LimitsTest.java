package dev.steer.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The size caps, exercised with small limits so the tests stay fast. */
class LimitsTest {

  @Test
  void aStreamLongerThanTheCapIsRejectedWithoutReadingItAll() {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 0;
          }
        };
    VectorFileException e =
        assertThrows(VectorFileException.class, () -> FileBytes.read(endless, 1000));
    assertTrue(e.getMessage().contains("more than 1000 bytes; at most 1000"), e.getMessage());
  }

  @Test
  void aStreamAtTheCapIsReadWhole() throws Exception {
    byte[] data = new byte[1000];
    data[999] = 7;
    assertArrayEquals(data, FileBytes.read(new ByteArrayInputStream(data), 1000));
  }

  @Test
  void aGgufHeaderBeyondItsLimitIsRejectedNamingTheLimit() {
    byte[] file = GgufControlVectorsTest.validFile();
    VectorFileException e =
        assertThrows(VectorFileException.class, () -> GgufContainer.parse(file, 40));
    assertTrue(e.getMessage().contains("GGUF header size limit of 40 bytes"), e.getMessage());
    assertEquals("kv_count", e.field().orElseThrow());
  }
}
