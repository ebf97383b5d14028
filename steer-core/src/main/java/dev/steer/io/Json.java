package dev.steer.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON parser over UTF-8 bytes and a matching writer, just enough for safetensors
 * headers.
 *
 * <p>Parsed values: {@code Map<String, Object>} (insertion-ordered), {@code List<Object>}, {@code
 * String}, {@link Number} (the number's text, unconverted, so that {@code 1e999999999} costs
 * nothing), {@code Boolean}, and {@link #NULL}. Rejected with {@link VectorFileException} carrying
 * the byte offset: invalid UTF-8 (overlong forms, surrogates, code points above U+10FFFF),
 * unescaped control characters, unpaired surrogate escapes, duplicate object keys, nesting deeper
 * than {@link #MAX_DEPTH}, more than {@link #MAX_VALUES} values in all (so a small header cannot
 * expand into a huge tree), and anything after the top-level value other than whitespace.
 */
final class Json {

  static final int MAX_DEPTH = 64;
  static final int MAX_VALUES = 1 << 18;

  /** JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** A JSON number as written; convert with {@link #toLong}. */
  record Number(String text) {
    /** The value if it is a plain non-negative integer below 2^63, else -1. */
    long toLong() {
      if (!text.matches("0|[1-9][0-9]{0,18}")) {
        return -1;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return -1; // 19 digits above Long.MAX_VALUE
      }
    }
  }

  private final byte[] bytes;
  private final int end;
  private final long baseOffset; // byte offset of bytes[start] in the file, for messages
  private int pos;
  private int values;

  private Json(byte[] bytes, int start, int end, long baseOffset) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.baseOffset = baseOffset - start;
  }

  /**
   * Parses {@code bytes[start, end)}; {@code fileOffset} is where {@code start} lies in the file.
   */
  static Object parse(byte[] bytes, int start, int end, long fileOffset)
      throws VectorFileException {
    Json p = new Json(bytes, start, end, fileOffset);
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.pos != p.end) {
      throw p.error(
          "unexpected " + p.describe() + " after the JSON value; expected the end of the header");
    }
    return v;
  }

  private VectorFileException error(String what) {
    return new VectorFileException("invalid JSON: " + what, "header", baseOffset + pos);
  }

  private String describe() {
    if (pos >= end) {
      return "end of header";
    }
    int b = bytes[pos] & 0xff;
    return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
  }

  private void skipWhitespace() {
    while (pos < end
        && (bytes[pos] == ' ' || bytes[pos] == '\t' || bytes[pos] == '\n' || bytes[pos] == '\r')) {
      pos++;
    }
  }

  private Object value(int depth) throws VectorFileException {
    if (++values > MAX_VALUES) {
      throw error("more than " + MAX_VALUES + " values");
    }
    if (pos >= end) {
      throw error("unexpected end of header; expected a value");
    }
    return switch (bytes[pos]) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", NULL);
      default -> {
        if (bytes[pos] == '-' || (bytes[pos] >= '0' && bytes[pos] <= '9')) {
          yield number();
        }
        throw error("unexpected " + describe() + "; expected a value");
      }
    };
  }

  private void checkDepth(int depth) throws VectorFileException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private Map<String, Object> object(int depth) throws VectorFileException {
    checkDepth(depth);
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (pos < end && bytes[pos] == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (pos >= end || bytes[pos] != '"') {
        throw error("unexpected " + describe() + "; expected a string key");
      }
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object v = value(depth);
      if (map.put(key, v) != null) {
        throw new VectorFileException(
            "invalid JSON: duplicate key \"" + key + "\"", key, baseOffset + keyAt);
      }
      skipWhitespace();
      if (pos < end && bytes[pos] == ',') {
        pos++;
      } else if (pos < end && bytes[pos] == '}') {
        pos++;
        return map;
      } else {
        throw error("unexpected " + describe() + " in an object; expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws VectorFileException {
    checkDepth(depth);
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (pos < end && bytes[pos] == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth));
      skipWhitespace();
      if (pos < end && bytes[pos] == ',') {
        pos++;
      } else if (pos < end && bytes[pos] == ']') {
        pos++;
        return list;
      } else {
        throw error("unexpected " + describe() + " in an array; expected ',' or ']'");
      }
    }
  }

  private void expect(char c) throws VectorFileException {
    if (pos >= end || bytes[pos] != c) {
      throw error("unexpected " + describe() + "; expected '" + c + "'");
    }
    pos++;
  }

  private Object literal(String word, Object v) throws VectorFileException {
    for (int i = 0; i < word.length(); i++) {
      if (pos + i >= end || bytes[pos + i] != word.charAt(i)) {
        throw error("unexpected " + describe() + "; expected " + word);
      }
    }
    pos += word.length();
    return v;
  }

  private Number number() throws VectorFileException {
    int start = pos;
    if (bytes[pos] == '-') {
      pos++;
    }
    if (pos < end && bytes[pos] == '0') {
      pos++;
    } else {
      digits("a digit");
    }
    if (pos < end && bytes[pos] == '.') {
      pos++;
      digits("a digit after the decimal point");
    }
    if (pos < end && (bytes[pos] == 'e' || bytes[pos] == 'E')) {
      pos++;
      if (pos < end && (bytes[pos] == '+' || bytes[pos] == '-')) {
        pos++;
      }
      digits("a digit in the exponent");
    }
    return new Number(
        new String(bytes, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII));
  }

  private void digits(String expected) throws VectorFileException {
    if (pos >= end || bytes[pos] < '0' || bytes[pos] > '9') {
      throw error("unexpected " + describe() + " in a number; expected " + expected);
    }
    while (pos < end && bytes[pos] >= '0' && bytes[pos] <= '9') {
      pos++;
    }
  }

  private String string() throws VectorFileException {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= end) {
        throw error("unterminated string");
      }
      int b = bytes[pos] & 0xff;
      if (b == '"') {
        pos++;
        return sb.toString();
      } else if (b == '\\') {
        escape(sb);
      } else if (b < 0x20) {
        throw error(String.format("unescaped control character 0x%02x in a string", b));
      } else if (b < 0x80) {
        sb.append((char) b);
        pos++;
      } else {
        sb.appendCodePoint(utf8CodePoint());
      }
    }
  }

  private void escape(StringBuilder sb) throws VectorFileException {
    pos++; // backslash
    if (pos >= end) {
      throw error("unterminated escape");
    }
    char c = (char) bytes[pos++];
    switch (c) {
      case '"', '\\', '/' -> sb.append(c);
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        int at = pos - 2;
        char u = hex4();
        if (Character.isHighSurrogate(u)) {
          if (pos + 1 < end && bytes[pos] == '\\' && bytes[pos + 1] == 'u') {
            pos += 2;
            char low = hex4();
            if (Character.isLowSurrogate(low)) {
              sb.append(u).append(low);
              return;
            }
          }
          pos = at;
          throw error("unpaired surrogate escape");
        } else if (Character.isLowSurrogate(u)) {
          pos = at;
          throw error("unpaired surrogate escape");
        }
        sb.append(u);
      }
      default -> {
        pos--;
        throw error("invalid escape \\" + describe());
      }
    }
  }

  private char hex4() throws VectorFileException {
    if (end - pos < 4) {
      throw error("truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(bytes[pos] & 0xff, 16);
      if (d < 0 || (bytes[pos] & 0x80) != 0) {
        throw error("invalid hex digit " + describe() + " in a \\u escape");
      }
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }

  /** Decodes one multi-byte UTF-8 sequence at {@code pos}, rejecting every malformed form. */
  private int utf8CodePoint() throws VectorFileException {
    int b0 = bytes[pos] & 0xff;
    int length;
    int min;
    int cp;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      length = 2;
      min = 0x80;
      cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3;
      min = 0x800;
      cp = b0 & 0x0f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4;
      min = 0x10000;
      cp = b0 & 0x07;
    } else {
      throw error(String.format("invalid UTF-8 lead byte 0x%02x", b0));
    }
    if (end - pos < length) {
      throw error("truncated UTF-8 sequence");
    }
    for (int i = 1; i < length; i++) {
      int b = bytes[pos + i] & 0xff;
      if ((b & 0xc0) != 0x80) {
        throw error(String.format("invalid UTF-8 continuation byte 0x%02x", b));
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw error(
          String.format(
              "invalid UTF-8 sequence (overlong, surrogate or above U+10FFFF: U+%X)", cp));
    }
    pos += length;
    return cp;
  }

  // ---- writing ----

  /**
   * Writes {@code value}: Map (String keys), List, String, Integer or Long; strings escaped per RFC
   * 8259.
   */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    return sb.toString();
  }

  private static void write(Object value, StringBuilder sb) {
    if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(first ? "" : ",");
        first = false;
        writeString((String) e.getKey(), sb);
        sb.append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (value instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",");
        write(list.get(i), sb);
      }
      sb.append(']');
    } else if (value instanceof String s) {
      writeString(s, sb);
    } else if (value instanceof Integer || value instanceof Long) {
      sb.append(value);
    } else {
      throw new IllegalArgumentException("cannot write " + value + " as JSON");
    }
  }

  private static void writeString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
