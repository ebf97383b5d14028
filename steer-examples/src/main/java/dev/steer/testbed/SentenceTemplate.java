package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * One sentence shape: a fixed sequence of literal words and concept slots, written as text such as
 * {@code "the {character.person} {tense.be} {register.very} {sentiment.adj} ."}. A template is regular
 * (no recursion, no optional parts), so a sentence matches it iff the sequence of its words' classes
 * equals {@link #elements()}.
 */
record SentenceTemplate(String source, ImmutableList<Element> elements) {

  /** A template element: the class of word that may stand at that position. */
  sealed interface Element permits Literal, Slot {}

  /** A fixed filler word. */
  record Literal(String word) implements Element {}

  /** A word of the story's concept of {@code family}, from its lexicon entry {@code role}. */
  record Slot(String family, String role) implements Element {}

  static SentenceTemplate parse(String source) {
    ImmutableList.Builder<Element> elements = ImmutableList.builder();
    for (String token : Splitter.on(' ').omitEmptyStrings().split(source)) {
      if (token.startsWith("{")) {
        checkArgument(
            token.endsWith("}") && token.indexOf('.') > 1,
            "slot %s in template \"%s\" must look like {family.role}", token, source);
        int dot = token.indexOf('.');
        elements.add(new Slot(token.substring(1, dot), token.substring(dot + 1, token.length() - 1)));
      } else {
        elements.add(new Literal(token));
      }
    }
    ImmutableList<Element> e = elements.build();
    checkArgument(
        !e.isEmpty() && e.get(e.size() - 1).equals(new Literal(StoryGrammar.FULL_STOP)),
        "template \"%s\" must end with \"%s\"", source, StoryGrammar.FULL_STOP);
    checkArgument(
        e.indexOf(new Literal(StoryGrammar.FULL_STOP)) == e.size() - 1,
        "template \"%s\" may hold \"%s\" only at its end", source, StoryGrammar.FULL_STOP);
    return new SentenceTemplate(source, e);
  }

  List<Slot> slots() {
    return elements.stream()
        .filter(Slot.class::isInstance)
        .map(Slot.class::cast)
        .collect(ImmutableList.toImmutableList());
  }

  int length() {
    return elements.size();
  }
}
