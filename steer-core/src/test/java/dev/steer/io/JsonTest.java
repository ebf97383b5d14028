package dev.steer.io;

import static dev.steer.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.steer.Theories;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class JsonTest {

  private static Object parse(String json) throws VectorFileException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return Json.parse(b, 0, b.length, 0);
  }

  @Test
  void parsesEveryValueKind() throws Exception {
    Object v = parse(" {\"a\": [1, -2.5e+3, true, false, null], \"b\": {}, \"c\": []} \n");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(
        List.of(new Json.Number("1"), new Json.Number("-2.5e+3"), true, false, Json.NULL),
        m.get("a"));
    assertEquals(Map.of(), m.get("b"));
    assertEquals(List.of(), m.get("c"));
  }

  @Test
  void decodesEscapesAndSurrogatePairs() throws Exception {
    assertEquals(
        "\"\\/\b\f\n\r\té😀", parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\""));
    assertEquals("é😀", parse("\"é😀\""));
  }

  @Test
  void rejectsUnpairedSurrogatesAndBadEscapes() {
    assertInvalid("\"\\ud83d\"", "unpaired surrogate", 1);
    assertInvalid("\"\\ude00x\"", "unpaired surrogate", 1);
    assertInvalid("\"\\x\"", "invalid escape", 2);
    assertInvalid("\"\\u12g4\"", "invalid hex digit", 5);
  }

  @Test
  void rejectsControlCharactersAndMalformedUtf8() {
    assertInvalid("\"a\u0001\"", "unescaped control character 0x01", 2);
    assertInvalidBytes(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, "surrogate");
    assertInvalidBytes(new byte[] {'"', (byte) 0xe0, (byte) 0x80, (byte) 0x80, '"'}, "overlong");
    assertInvalidBytes(
        new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
        "above U+10FFFF");
    assertInvalidBytes(new byte[] {'"', (byte) 0xc3, '"'}, "continuation byte");
    assertInvalidBytes(new byte[] {'"', (byte) 0xff, '"'}, "lead byte 0xff");
  }

  @Test
  void rejectsMalformedNumbersAndLiterals() {
    assertInvalid("-", "expected a digit", 1);
    assertInvalid("1.", "after the decimal point", 2);
    assertInvalid("1e", "in the exponent", 2);
    assertInvalid("nul", "expected null", 0);
    assertInvalid("", "expected a value", 0);
  }

  @Test
  void rejectsAHeaderWithTooManyValues() {
    String many = "[" + "0,".repeat(Json.MAX_VALUES) + "0]";
    VectorFileException e = assertThrows(VectorFileException.class, () -> parse(many));
    assertTrue(e.getMessage().contains("more than 262144 values"), e.getMessage());
  }

  @Test
  void numbersConvertToLongOnlyWhenPlainNonNegativeIntegers() {
    assertEquals(9223372036854775807L, new Json.Number("9223372036854775807").toLong());
    for (String s : new String[] {"9223372036854775808", "-1", "1.0", "1e3", "00"}) {
      assertEquals(-1, new Json.Number(s).toLong(), s);
    }
  }

  @Test
  void writtenStringsParseBackUnchanged() {
    qt(305)
        .forAll(validStrings())
        .checkAssert(
            s ->
                assertEquals(
                    Map.of(s, List.of(s)), parseUnchecked(Json.write(Map.of(s, List.of(s))))));
  }

  /**
   * Valid UTF-16 strings of up to 255 code points: ASCII (quotes, backslashes and control
   * characters included), the rest of the BMP without surrogates, and supplementary characters.
   */
  private static Gen<String> validStrings() {
    Gen<Integer> codePoints =
        Theories.oneOf(
            List.of(
                integers().between(0, 0x7f),
                integers().between(0x80, 0xffff).assuming(c -> c < 0xd800 || c > 0xdfff),
                integers().between(0x10000, Character.MAX_CODE_POINT)));
    return integers()
        .between(0, 255)
        .flatMap(
            n ->
                in -> {
                  StringBuilder s = new StringBuilder();
                  for (int i = 0; i < n; i++) {
                    s.appendCodePoint(codePoints.generate(in));
                  }
                  return s.toString();
                });
  }

  private static Object parseUnchecked(String json) {
    try {
      return parse(json);
    } catch (VectorFileException e) {
      throw new AssertionError("written JSON is rejected: " + e.getMessage(), e);
    }
  }

  private static void assertInvalid(String json, String fragment, int offset) {
    VectorFileException e = assertThrows(VectorFileException.class, () -> parse(json));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertEquals(offset, e.byteOffset().orElseThrow(), e.getMessage());
  }

  private static void assertInvalidBytes(byte[] json, String fragment) {
    VectorFileException e =
        assertThrows(VectorFileException.class, () -> Json.parse(json, 0, json.length, 0));
    assertTrue(e.getMessage().contains(fragment), e.getMessage() + " for " + Arrays.toString(json));
  }
}
