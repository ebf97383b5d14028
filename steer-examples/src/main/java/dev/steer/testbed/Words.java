package dev.steer.testbed;

import com.google.common.base.CharMatcher;
import com.google.common.base.Splitter;
import java.util.List;

/** Splitting text in the corpus format into words. */
final class Words {

  private static final Splitter WHITESPACE =
      Splitter.on(CharMatcher.whitespace()).omitEmptyStrings();

  private Words() {}

  static List<String> split(String text) {
    return WHITESPACE.splitToList(text);
  }
}
