package dev.steer.io;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.Theories;
import dev.steer.hook.HookPoint;
import dev.steer.hook.Site;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Law: reading what was written gives back the same set, for arbitrary sets each format can hold.
 */
class VectorFileRoundTripTest {

  @Test
  void safetensorsRoundTripsAnySet() {
    qt(300)
        .forAll(sets(integers().between(0, 40), Generate.enumValues(Site.class)))
        .checkAssert(
            set ->
                assertEquals(set, read(SafetensorsVectors::read, SafetensorsVectors.toBytes(set))));
  }

  @Test
  void ggufRoundTripsAnySetOfBlockOutputs() {
    qt(300)
        .forAll(sets(integers().between(1, 80), Generate.constant(Site.RESID_POST)))
        .checkAssert(
            set ->
                assertEquals(set, read(GgufControlVectors::read, GgufControlVectors.toBytes(set))));
  }

  private interface Reader {
    SteeringVectorSet read(byte[] bytes) throws VectorFileException;
  }

  private static SteeringVectorSet read(Reader reader, byte[] bytes) {
    try {
      return reader.read(bytes);
    } catch (VectorFileException e) {
      throw new AssertionError("a written file is rejected: " + e.getMessage(), e);
    }
  }

  /**
   * Sets of 1 to 6 vectors at distinct hook points, of one dimension from 1 to 12, with any finite
   * float components and arbitrary metadata.
   */
  private static Gen<SteeringVectorSet> sets(Gen<Integer> layers, Gen<Site> sites) {
    Gen<HookPoint> points = layers.zip(sites, HookPoint::new);
    return integers()
        .between(1, 12)
        .flatMap(
            d -> {
              Gen<SteeringVector> vectors =
                  Theories.floatArrays(finiteFloats(), d)
                      .zip(metadata(), (v, md) -> SteeringVector.of(v).withMetadata(md));
              return distinct(points, 6)
                  .zip(
                      Theories.arrays(vectors, Generate.constant(6), SteeringVector[]::new),
                      metadata(),
                      (ps, vs, md) -> {
                        Map<HookPoint, SteeringVector> m = new HashMap<>();
                        int i = 0;
                        for (HookPoint p : ps) {
                          m.put(p, vs[i++]);
                        }
                        return SteeringVectorSet.of(m, md);
                      });
            });
  }

  /** 1 to {@code max} distinct values of {@code gen}. */
  private static <T> Gen<Set<T>> distinct(Gen<T> gen, int max) {
    return integers()
        .between(1, max)
        .flatMap(
            n ->
                in -> {
                  Set<T> set = new LinkedHashSet<>();
                  while (set.size() < n) {
                    set.add(gen.generate(in));
                  }
                  return set;
                });
  }

  /** Any finite float, from its bits: subnormals, signed zeros and extremes included. */
  private static Gen<Float> finiteFloats() {
    return integers().all().map(Float::intBitsToFloat).assuming(Float::isFinite);
  }

  private static Gen<VectorMetadata> metadata() {
    // any char but a surrogate, up to 8 of them
    Gen<Character> chars =
        Theories.oneOf(
            List.of(Generate.characters(0x0000, 0xd7ff), Generate.characters(0xe000, 0xffff)));
    Gen<String> text =
        integers()
            .between(0, 8)
            .flatMap(
                n ->
                    in -> {
                      StringBuilder b = new StringBuilder(n);
                      for (int i = 0; i < n; i++) {
                        b.append(chars.generate(in));
                      }
                      return b.toString();
                    });
    Gen<String> maybe = Theories.oneOf(List.of(Generate.constant(""), text));
    Gen<Map<String, String>> details =
        integers()
            .between(0, 3)
            .flatMap(
                n ->
                    in -> {
                      Map<String, String> m = new HashMap<>();
                      for (int i = 0; i < n; i++) {
                        m.put(text.generate(in), text.generate(in));
                      }
                      return m;
                    });
    return maybe.zip(maybe, maybe, details, VectorMetadata::new);
  }
}
