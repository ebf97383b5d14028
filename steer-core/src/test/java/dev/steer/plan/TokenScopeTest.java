package dev.steer.plan;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.Theories;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class TokenScopeTest {

  /** Prompt of 4 tokens (positions 0..3), then 3 generated (4..6). */
  private static float[] mask(TokenScope scope) {
    float[] m = new float[7];
    scope.fillMask(m, 0, 0, 7, 4);
    return m;
  }

  @Test
  void eachScopeSelectsTheDocumentedPositions() {
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1}, mask(TokenScope.all()));
    assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0}, mask(TokenScope.prompt()));
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1}, mask(TokenScope.generated()));
    assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0}, mask(TokenScope.lastPromptToken()));
    assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1}, mask(TokenScope.fromStep(0)));
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1}, mask(TokenScope.fromStep(2)));
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 0}, mask(TokenScope.steps(1, 2)));
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0}, mask(TokenScope.positions(5, 0, 5)));
  }

  @Test
  void fromStepOneEqualsGenerated() {
    assertArrayEquals(mask(TokenScope.generated()), mask(TokenScope.fromStep(1)));
  }

  static Gen<TokenScope> scopes() {
    return Theories.oneOf(
        List.of(
            Generate.pick(
                List.of(
                    TokenScope.all(),
                    TokenScope.prompt(),
                    TokenScope.generated(),
                    TokenScope.lastPromptToken())),
            integers().between(0, 20).map(TokenScope::fromStep),
            Generate.intArrays(integers().between(1, 5), integers().between(0, 30))
                .map(p -> TokenScope.positions(p))));
  }

  /** A KV-cached run sees the prompt in one window and then one position per step. */
  @Test
  void prefillThenSingleStepsGiveTheSameMaskAsOneFullWindow() {
    qt(1_200)
        .forAll(scopes(), integers().between(1, 12), integers().between(0, 12))
        .checkAssert(TokenScopeTest::cachedMaskEqualsFullMask);
  }

  private static void cachedMaskEqualsFullMask(TokenScope scope, int promptLength, int generated) {
    int total = promptLength + generated;
    float[] full = new float[total];
    scope.fillMask(full, 0, 0, total, promptLength);
    float[] cached = new float[total];
    scope.fillMask(cached, 0, 0, promptLength, promptLength);
    for (int p = promptLength; p < total; p++) {
      float[] step = new float[1];
      scope.fillMask(step, 0, p, 1, promptLength);
      cached[p] = step[0];
    }
    assertArrayEquals(full, cached);
  }

  @Test
  void selectsAnyWithinAgreesWithTheMask() {
    qt(1_200)
        .forAll(scopes(), integers().between(1, 12), integers().between(0, 12))
        .checkAssert(TokenScopeTest::selectsAnyAgreesWithMask);
  }

  private static void selectsAnyAgreesWithMask(TokenScope scope, int promptLength, int generated) {
    int total = promptLength + generated;
    float[] full = new float[total];
    scope.fillMask(full, 0, 0, total, promptLength);
    boolean any = false;
    for (float f : full) {
      any |= f == 1f;
    }
    assertEquals(any, scope.selectsAnyWithin(promptLength, total));
  }

  @Test
  void rejectsInvalidArguments() {
    assertThrows(IllegalArgumentException.class, () -> TokenScope.fromStep(-1));
    assertThrows(IllegalArgumentException.class, () -> TokenScope.steps(3, 2));
    assertThrows(IllegalArgumentException.class, () -> TokenScope.positions());
    assertThrows(IllegalArgumentException.class, () -> TokenScope.positions(-1));
    assertThrows(IllegalArgumentException.class, () -> TokenScope.all().fillMask(new float[2], 0, 0, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> TokenScope.all().fillMask(new float[2], 0, 0, 2, 0));
  }

  @Test
  void scopesPrintReadably() {
    assertEquals("last_prompt_token", TokenScope.lastPromptToken().toString());
    assertEquals("from_step(3)", TokenScope.fromStep(3).toString());
    assertEquals("positions[1, 4]", TokenScope.positions(4, 1).toString());
    assertTrue(TokenScope.generated().selects(4, 4));
    assertFalse(TokenScope.generated().selects(3, 4));
  }
}
