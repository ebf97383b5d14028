package dev.steer.io;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.steer.Theories;
import dev.steer.hook.HookPoint;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Hostile input: every mutated or random file must end in a successful read or a {@link
 * VectorFileException}; any other exception or error (including running out of memory) fails.
 */
class VectorFileFuzzTest {

  /** A reader under test. */
  private interface Reader {
    SteeringVectorSet read(byte[] bytes) throws VectorFileException;
  }

  private static final SteeringVectorSet SAMPLE =
      SteeringVectorSet.of(
          Map.of(
              HookPoint.residPost(1), SteeringVector.of(1f, -2f, 3f),
              HookPoint.residPost(2),
                  SteeringVector.of(0.5f, 0f, -1e-3f)
                      .withMetadata(VectorMetadata.ofConcept("calm")),
              HookPoint.residPre(4), SteeringVector.of(9f, 8f, 7f)),
          new VectorMetadata("joy", "pca", "llama", Map.of("pairs", "12")));

  private static final List<byte[]> GGUF_SEEDS =
      List.of(
          GgufControlVectors.toBytes(SAMPLE),
          GgufControlVectorsTest.validFile(),
          ggufWithEveryValueType());

  private static final List<byte[]> SAFETENSORS_SEEDS =
      List.of(SafetensorsVectors.toBytes(SAMPLE), SafetensorsVectorsTest.validFile());

  @Test
  void mutatedGgufFilesAreReadOrRejectedCleanly() {
    qt(10_000)
        .forAll(mutants(GGUF_SEEDS, false))
        .checkAssert(file -> stopOf(GgufControlVectors::read, file));
  }

  @Test
  void randomBytesAfterAGgufPreambleAreReadOrRejectedCleanly() {
    Stops stops = new Stops();
    qt(2_020)
        .forAll(ggufNoise())
        .checkAssert(file -> stops.count(stopOf(GgufControlVectors::read, file)));
    // random counts end almost every try at the first field; the generator must get past it
    assertTrue(stops.share("tensor_count") < 0.80, stops.toString());
  }

  @Test
  void mutatedSafetensorsFilesAreReadOrRejectedCleanly() {
    qt(10_000)
        .forAll(mutants(SAFETENSORS_SEEDS, true))
        .checkAssert(file -> stopOf(SafetensorsVectors::read, file));
  }

  @Test
  void randomBytesAfterASafetensorsPreambleAreReadOrRejectedCleanly() {
    Stops stops = new Stops();
    qt(2_020)
        .forAll(safetensorsNoise())
        .checkAssert(file -> stops.count(stopOf(SafetensorsVectors::read, file)));
    assertTrue(stops.share("header") >= 0.20, stops.toString());
  }

  /**
   * Reads {@code file}, which must end in a read or a {@link VectorFileException}; returns the
   * field where the reader rejected it, or empty when it read the file.
   */
  private static Optional<String> stopOf(Reader reader, byte[] file) {
    try {
      reader.read(file);
      return Optional.empty();
    } catch (VectorFileException e) {
      // digits dropped so that one field is one value, and fields named after random keys from
      // the file folded into one
      String field = e.field().orElse("-").replaceAll("[0-9]+", "#");
      return Optional.of(field.matches("[A-Za-z_.#\\[\\] ]{1,60}") ? field : "(a random key)");
    }
  }

  /** How many rejected files stopped at each field, for the noise properties' coverage. */
  private static final class Stops {
    private final Map<String, Integer> byField = new TreeMap<>();
    private int rejected;

    void count(Optional<String> stop) {
      stop.ifPresent(
          field -> {
            byField.merge(field, 1, Integer::sum);
            rejected++;
          });
    }

    double share(String field) {
      return byField.getOrDefault(field, 0) / (double) Math.max(1, rejected);
    }

    @Override
    public String toString() {
      return "rejections by field " + byField;
    }
  }

  /**
   * Noise after preambles that pass the early checks: a random u64 tensor count is almost never small
   * enough, so most preambles set small counts, and some a first key, before the noise starts.
   */
  private static Gen<byte[]> ggufNoise() {
    Gen<Integer> small = integers().between(0, 3);
    Gen<String> keys =
        Generate.pick(List.of("controlvector.model_hint", "general.alignment", "direction.1"));
    Gen<byte[]> preambles =
        Theories.oneOf(
            List.of(
                Generate.constant(gguf().toArray()),
                small.zip(small, (t, k) -> gguf().u64(t).u64(k).toArray()),
                keys.map(key -> gguf().u64(1).u64(1).str(key).toArray())));
    return Theories.readable(preambles.flatMap(VectorFileFuzzTest::noise));
  }

  /** The magic and version of a GGUF file. */
  private static LeBytes gguf() {
    return new LeBytes().ascii("GGUF").u32(3);
  }

  /** Noise after a length field and the opening of a header, often of a first tensor's entry. */
  private static Gen<byte[]> safetensorsNoise() {
    Gen<Integer> lengths = integers().between(0, 120);
    Gen<String> openings =
        Generate.pick(
            List.of(
                "{\"",
                "{\"direction.1\":",
                "{\"direction.1\":{\"dtype\":",
                "{\"direction.1\":{\"dtype\":\"F32\",\"shape\":[",
                "{\"__metadata__\":{\""));
    Gen<byte[]> bracePreambles = lengths.map(n -> new LeBytes().u64(n).ascii("{").toArray());
    Gen<byte[]> entryPreambles =
        lengths.zip(openings, (n, open) -> new LeBytes().u64(open.length() + n).ascii(open).toArray());
    return Theories.readable(
        Theories.oneOf(
            List.of(
                bytes(64),
                bracePreambles.flatMap(VectorFileFuzzTest::noise),
                entryPreambles.flatMap(VectorFileFuzzTest::noise))));
  }

  /** Up to {@code maxLength} arbitrary bytes. */
  private static Gen<byte[]> bytes(int maxLength) {
    return Generate.byteArrays(
        integers().between(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
  }

  private static Gen<byte[]> noise(byte[] preamble) {
    return bytes(200)
        .map(
            tail -> {
              byte[] f = Arrays.copyOf(preamble, preamble.length + tail.length);
              System.arraycopy(tail, 0, f, preamble.length, tail.length);
              return f;
            });
  }

  /** A seed file with one to three mutations, chosen by a reproducible random seed. */
  private static Gen<byte[]> mutants(List<byte[]> seeds, boolean json) {
    Gen<byte[]> mutants = integers()
        .between(0, seeds.size() - 1)
        .zip(
            longs().all(),
            (which, seed) -> {
              Random r = new Random(seed);
              byte[] f = seeds.get(which).clone();
              int n = 1 + r.nextInt(3);
              for (int i = 0; i < n && f.length > 0; i++) {
                f = mutate(f, r, json);
              }
              return f;
            });
    return Theories.readable(mutants);
  }

  private static final long[] INTERESTING_U64 = {
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    31,
    32,
    33,
    64,
    0x7fffffffL,
    0x80000000L,
    0xffffffffL,
    1L << 32,
    1L << 60,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    -1,
    -8
  };
  private static final int[] INTERESTING_U32 = {0, 1, 2, 4, 5, 7, 8, 9, 12, 13, 30, 0x80000000, -1};
  private static final byte[] JSON_BYTES =
      "{}[]\",:0123456789-+.eE tfn\\u".getBytes(StandardCharsets.US_ASCII);

  private static byte[] mutate(byte[] f, Random r, boolean json) {
    int at = r.nextInt(f.length);
    switch (r.nextInt(json ? 8 : 7)) {
      case 0 -> f[at] ^= (byte) (1 << r.nextInt(8));
      case 1 -> f[at] = (byte) r.nextInt(256);
      case 2 -> f = Arrays.copyOf(f, at);
      case 3 -> {
        byte[] extra = new byte[1 + r.nextInt(8)];
        r.nextBytes(extra);
        byte[] g = new byte[f.length + extra.length];
        System.arraycopy(f, 0, g, 0, at);
        System.arraycopy(extra, 0, g, at, extra.length);
        System.arraycopy(f, at, g, at + extra.length, f.length - at);
        f = g;
      }
      case 4 -> {
        int len = Math.min(1 + r.nextInt(8), f.length - at);
        byte[] g = new byte[f.length - len];
        System.arraycopy(f, 0, g, 0, at);
        System.arraycopy(f, at + len, g, at, f.length - at - len);
        f = g;
      }
      case 5 -> { // corrupt a length, count, dimension or offset field
        if (f.length >= 8) {
          int p = json && r.nextBoolean() ? 0 : r.nextInt(f.length - 7);
          long v =
              r.nextInt(4) == 0
                  ? f.length - r.nextInt(16)
                  : INTERESTING_U64[r.nextInt(INTERESTING_U64.length)];
          ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(p, v);
        }
      }
      case 6 -> { // corrupt a version, type, n_dims or ggml type field
        if (f.length >= 4) {
          ByteBuffer.wrap(f)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(r.nextInt(f.length - 3), INTERESTING_U32[r.nextInt(INTERESTING_U32.length)]);
        }
      }
      default ->
          f[at] = JSON_BYTES[r.nextInt(JSON_BYTES.length)]; // a structurally meaningful JSON byte
    }
    return f;
  }

  private static byte[] ggufWithEveryValueType() {
    LeBytes b = new LeBytes().ascii("GGUF").u32(3).u64(2).u64(9);
    b.str("general.architecture").u32(8).str("controlvector");
    b.str("general.alignment").u32(4).u32(16);
    b.str("controlvector.layer_count").u32(4).u32(2);
    b.str("controlvector.direction.3.concept").u32(8).str("x");
    b.str("a.bool").u32(7).u8(1);
    b.str("a.f64").u32(12).f64(2.5);
    b.str("a.i16").u32(3).u16(7);
    b.str("a.strings").u32(9).u32(8).u64(2).str("p").str("qr");
    b.str("a.nested").u32(9).u32(9).u64(1).u32(0).u64(3).u8(1).u8(2).u8(3);
    b.str("direction.3").u32(1).u64(2).u32(0).u64(16);
    b.str("direction.1").u32(2).u64(2).u64(1).u32(0).u64(0);
    b.padTo(16).f32(1).f32(2).padTo(16).f32(3).f32(4);
    return b.toArray();
  }
}
