package dev.steer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steer.hook.HookPoint;
import dev.steer.hook.Site;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Law: reading what was written gives back the same set, for arbitrary sets each format can hold. */
class VectorFileRoundTripTest {

  @Property(tries = 300)
  void safetensorsRoundTripsAnySet(@ForAll("anySite") SteeringVectorSet set) throws Exception {
    assertEquals(set, SafetensorsVectors.read(SafetensorsVectors.toBytes(set)));
  }

  @Property(tries = 300)
  void ggufRoundTripsAnySetOfBlockOutputs(@ForAll("blockOutputs") SteeringVectorSet set)
      throws Exception {
    assertEquals(set, GgufControlVectors.read(GgufControlVectors.toBytes(set)));
  }

  @Provide
  Arbitrary<SteeringVectorSet> anySite() {
    return sets(Arbitraries.integers().between(0, 40), Arbitraries.of(Site.class));
  }

  @Provide
  Arbitrary<SteeringVectorSet> blockOutputs() {
    return sets(Arbitraries.integers().between(1, 80), Arbitraries.just(Site.RESID_POST));
  }

  private static Arbitrary<SteeringVectorSet> sets(
      Arbitrary<Integer> layers, Arbitrary<Site> sites) {
    Arbitrary<HookPoint> points = Combinators.combine(layers, sites).as(HookPoint::new);
    return Arbitraries.integers()
        .between(1, 12)
        .flatMap(
            d -> {
              Arbitrary<SteeringVector> vectors =
                  Combinators.combine(
                          Arbitraries.floats().array(float[].class).ofSize(d), metadata())
                      .as((v, md) -> SteeringVector.of(v).withMetadata(md));
              return Combinators.combine(
                      points.list().ofMinSize(1).ofMaxSize(6).uniqueElements(),
                      vectors.list().ofSize(6),
                      metadata())
                  .as(
                      (List<HookPoint> ps, List<SteeringVector> vs, VectorMetadata md) -> {
                        Map<HookPoint, SteeringVector> m = new HashMap<>();
                        for (int i = 0; i < ps.size(); i++) {
                          m.put(ps.get(i), vs.get(i));
                        }
                        return SteeringVectorSet.of(m, md);
                      });
            });
  }

  private static Arbitrary<VectorMetadata> metadata() {
    Arbitrary<String> text =
        Arbitraries.strings()
            .withCharRange('\u0000', '\ud7ff')
            .withCharRange('\ue000', '\uffff')
            .ofMaxLength(8);
    Arbitrary<String> maybe = Arbitraries.oneOf(Arbitraries.just(""), text);
    return Combinators.combine(maybe, maybe, maybe, Arbitraries.maps(text, text).ofMaxSize(3))
        .as(VectorMetadata::new);
  }
}
