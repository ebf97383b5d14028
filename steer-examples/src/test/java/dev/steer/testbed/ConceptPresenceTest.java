package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.hook.HookPoint;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.testbed.ConceptPresence.Reading;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The measurements behind docs/testbed.md's account of where the shipped model holds its concepts: every
 * concept is read from earlier words by the second block (the first early exit of its training), the
 * middle block holds a concept only where a word of its family is next, and the rows there are longer
 * than the others.
 */
class ConceptPresenceTest {
  private static final List<HookPoint> BLOCKS =
      List.of(HookPoint.residPost(0), HookPoint.residPost(1), HookPoint.residPost(2), HookPoint.residPost(3));
  private static final StoryGrammar GRAMMAR = Testbed.grammar();

  private static OnnxSteerableModel model;

  @BeforeAll
  static void open() throws Exception {
    model = Testbed.open();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static List<Reading> read(String concept) {
    Concept c = GRAMMAR.concept(concept);
    return ConceptPresence.read(model, GRAMMAR, c, ContrastivePrompts.pairs(GRAMMAR, c, 32, 1), BLOCKS);
  }

  /** d is the difference of the mean slot rows, so the slot projections differ by exactly ‖d‖. */
  @ParameterizedTest
  @ValueSource(strings = {"joyful", "red", "morning"})
  void slotProjectionsDifferByTheVectorsNorm(String concept) {
    for (Reading r : read(concept)) {
      double norm = r.relativeNorm() * Testbed.residualNorm(model, r.hookPoint());
      assertEquals(norm, r.slotTarget() - r.slotOthers(), 1e-3 * Math.max(1, norm), r.toString());
    }
  }

  /** After the second block every concept is there, so a middle block has them all to steer. */
  @ParameterizedTest
  @ValueSource(strings = {"animals", "food", "joyful", "london", "red", "yellow"})
  void everyConceptIsPresentFromTheSecondBlockOn(String concept) {
    for (Reading r : read(concept).subList(1, BLOCKS.size())) {
      assertTrue(r.relativeNorm() > 0.4, r.toString());
    }
  }

  /** The first block does not yet tell topics, sentiments or places apart: they are fetched later. */
  @ParameterizedTest
  @ValueSource(strings = {"animals", "food", "joyful", "london"})
  void topicsSentimentsAndPlacesAreAbsentAfterTheFirstBlock(String concept) {
    Reading first = read(concept).get(0);
    assertTrue(first.relativeNorm() < 0.05, first.toString());
  }

  /** The middle block holds these concepts strongly, but only at the positions before a family word. */
  @ParameterizedTest
  @ValueSource(strings = {"joyful", "london", "sailor"})
  void theMiddleBlockHoldsAConceptOnlyWhereItsWordIsNext(String concept) {
    Reading r = read(concept).get(2);
    double atSlot = r.slotTarget() - r.slotOthers();
    double elsewhere = Math.abs(r.elsewhereTarget() - r.elsewhereOthers());
    assertTrue(r.relativeNorm() > 0.5, r.toString());
    assertTrue(elsewhere < 0.1 * atSlot, r.toString());
  }

  /** At the middle block the rows where a family's word is next are longer than the filler rows. */
  @Test
  void rowsBeforeAFamilyWordAreLongerThanFillerRowsAtTheMiddleBlock() {
    HookPoint middle = HookPoint.residPost(2);
    Map<String, Double> norms = ConceptPresence.residualNormBeforeFamily(
        model, GRAMMAR, ContrastivePrompts.pairs(GRAMMAR, GRAMMAR.concept("animals"), 16, 1), middle);
    assertEquals(GRAMMAR.families().size() + 1, norms.size());
    double filler = norms.get(ConceptPresence.FILLER);
    norms.forEach((family, norm) -> assertTrue(family.equals(ConceptPresence.FILLER) || norm > filler,
        norms.toString()));
    assertTrue(norms.get("topic") > 1.5 * Testbed.residualNorm(model, middle), norms.toString());
  }

  @Test
  void printsATableRowPerConcept() {
    StringWriter text = new StringWriter();
    ConceptPresence.print(model, HookPoint.residPost(2), new PrintWriter(text));
    for (ConceptFamily f : GRAMMAR.families()) {
      for (Concept c : f.concepts()) {
        assertTrue(text.toString().contains("| " + c.name() + " |"), c.name());
      }
    }
  }

  @Test
  void rejectsNoPairsAndABlockTheModelLacks() {
    Concept joyful = GRAMMAR.concept("joyful");
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ConceptPresence.read(model, GRAMMAR, joyful, List.of(), BLOCKS));
    assertTrue(none.getMessage().contains("no contrastive pairs"), none.getMessage());
    IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
        () -> ConceptPresence.print(model, HookPoint.residPost(7), new PrintWriter(new StringWriter())));
    assertTrue(block.getMessage().contains("blocks.7"), block.getMessage());
  }
}
