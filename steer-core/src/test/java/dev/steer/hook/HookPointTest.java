package dev.steer.hook;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class HookPointTest {

  @Test
  void parsesTransformerLensNames() {
    assertEquals(HookPoint.residPost(6), HookPoint.parse("blocks.6.hook_resid_post"));
    assertEquals(HookPoint.attnOut(0), HookPoint.parse("blocks.0.hook_attn_out"));
    assertEquals(HookPoint.mlpOut(11), HookPoint.parse("blocks.11.hook_mlp_out"));
    assertEquals(HookPoint.residMid(3), HookPoint.parse(" blocks.3.hook_resid_mid "));
    assertEquals(HookPoint.residPre(2), HookPoint.parse("blocks.2.hook_resid_pre"));
  }

  @Test
  void printsTransformerLensNames() {
    assertEquals("blocks.6.hook_resid_post", HookPoint.residPost(6).toString());
    assertEquals("blocks.1.hook_attn_out", HookPoint.attnOut(1).name());
  }

  @Test
  void printingThenParsingIsTheIdentity() {
    qt(1_020)
        .forAll(integers().between(0, 10_000), Generate.enumValues(Site.class))
        .checkAssert(
            (layer, site) -> {
              HookPoint hp = HookPoint.of(layer, site);
              assertEquals(hp, HookPoint.parse(hp.name()));
            });
  }

  @Test
  void rejectsMalformedNamesWithTheExpectedForm() {
    for (String bad : List.of("blocks.6", "blocks.x.hook_resid_post", "layers.6.hook_resid_post",
        "blocks.-1.hook_resid_post", "blocks.6.hook_resid_postx", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HookPoint.parse(bad));
      assertTrue(e.getMessage().contains("blocks.") , e.getMessage());
    }
  }

  @Test
  void rejectsUnknownSiteNamingTheAlternatives() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HookPoint.parse("blocks.6.hook_q"));
    assertTrue(e.getMessage().contains("hook_resid_post"), e.getMessage());
  }

  @Test
  void rejectsNegativeLayer() {
    assertThrows(IllegalArgumentException.class, () -> HookPoint.of(-1, Site.RESID_POST));
  }

  @Test
  void ordersByDepthLayerFirstThenDataFlow() {
    List<HookPoint> expected = List.of(
        HookPoint.residPre(0), HookPoint.attnOut(0), HookPoint.residMid(0), HookPoint.mlpOut(0),
        HookPoint.residPost(0), HookPoint.residPre(1), HookPoint.residPost(1), HookPoint.residPre(10));
    List<HookPoint> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new java.util.Random(7));
    Collections.sort(shuffled);
    assertEquals(expected, shuffled);
  }

  @Test
  void siteAcceptsSuffixWithOrWithoutHookPrefix() {
    assertEquals(Site.MLP_OUT, Site.fromHookName("mlp_out"));
    assertEquals(Site.MLP_OUT, Site.fromHookName("hook_mlp_out"));
    assertTrue(Site.RESID_MID.isResidual());
    assertTrue(!Site.ATTN_OUT.isResidual());
  }
}
