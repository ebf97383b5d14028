package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.extract.ExtractionMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentOptionsTest {

  @Test
  void fullHasTheIssuesSize() {
    ExperimentOptions o = ExperimentOptions.parse("--full");
    assertEquals(8, o.concepts().size());
    assertEquals(3, o.methods().size());
    assertEquals(4, o.kinds().size());
    o.kinds().forEach(k -> assertTrue(o.strengths().get(k).size() >= 6, k.toString()));
    assertEquals(List.of(2, 3), o.layers());
    assertEquals(16, o.prompts());
    assertEquals(8L * 3 * 4 * 7 * 2 * 16, o.runCount());
    assertEquals(o.runCount(), SteerabilityExperiment.keys(o).size());
  }

  @Test
  void theDefaultIsSmallAndDecodesWholeStories() {
    assertEquals(1792, ExperimentOptions.parse().runCount());
    assertEquals(ExperimentOptions.WHOLE_STORY, ExperimentOptions.parse().newTokens());
    assertEquals(24, ExperimentOptions.parse("--tokens", "24").newTokens());
    assertThrows(IllegalArgumentException.class, () -> ExperimentOptions.parse("--tokens", "5"));
  }

  @Test
  void optionsOverrideTheDefaults() {
    ExperimentOptions o = ExperimentOptions.parse("--concepts", "red,night", "--methods", "pca,probe", "--kinds",
        "slerp", "--strengths", "slerp:0,0.25", "--layers", "2", "--prompts", "3");
    assertEquals(List.of("red", "night"), o.concepts());
    assertEquals(List.of(ExtractionMethod.PCA, ExtractionMethod.LINEAR_PROBE), o.methods());
    assertEquals(List.of(0.0, 0.25), o.strengths().get(SteeringKind.SLERP));
    assertEquals(2L * 2 * 2 * 3, o.runCount());
  }

  @Test
  void anUnknownOptionIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExperimentOptions.parse("--colour", "red"));
    assertTrue(e.getMessage().contains("--colour"), e.getMessage());
  }

  @Test
  void anUnknownKindIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExperimentOptions.parse("--kinds", "twist"));
    assertTrue(e.getMessage().contains("twist"), e.getMessage());
  }
}
