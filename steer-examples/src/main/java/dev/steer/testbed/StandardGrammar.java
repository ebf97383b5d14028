package dev.steer.testbed;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;

/**
 * The lexicons and sentence templates of {@link StoryGrammar#standard()}: eight concept families, three
 * opening and five body templates, stories of three or four sentences. Every template has a slot of
 * every family, so every sentence shows every concept of its story.
 */
final class StandardGrammar {

  private StandardGrammar() {}

  static final List<String> OPENINGS =
      List.of(
          "once upon a time , at {time.when} in {place.city} , the {register.very} {sentiment.adj}"
              + " {character.person} {tense.verb} the {colour.colour} {topic.thing} .",
          "once upon a time , the {character.person} {tense.be} {register.very} {sentiment.adj} about"
              + " the {colour.colour} {topic.thing} near the {place.landmark} at {time.when} .",
          "once upon a time in {place.city} , the {colour.colour} {topic.thing} {tense.be}"
              + " {register.very} {sentiment.adj} at {time.when} with the {character.person} .");

  static final List<String> BODIES =
      List.of(
          "{register.then} the {character.person} {sentiment.adv} {tense.verb} the {colour.colour}"
              + " {topic.thing} in {place.city} at {time.when} .",
          "at {time.when} near the {place.landmark} , the {colour.colour} {topic.thing} {tense.be}"
              + " {register.very} {sentiment.adj} with the {character.person} .",
          "the {character.person} {tense.be} {register.very} {sentiment.adj} about the"
              + " {colour.colour} {topic.thing} at {time.when} in {place.city} .",
          "in {place.city} at {time.when} , the {register.very} {sentiment.adj} {character.person}"
              + " {tense.verb} the {colour.colour} {topic.thing} .",
          "{register.then} the {sentiment.adj} {character.person} {tense.verb} the {character.tool}"
              + " and the {colour.colour} {topic.thing} at {time.when} near the {place.landmark} .");

  static final List<Integer> SENTENCE_COUNTS = List.of(3, 4);

  static ImmutableList<ConceptFamily> families() {
    return ImmutableList.of(
        family("topic",
            concept("topic", "animals", "thing",
                "cat dog horse rabbit fox owl duck mouse goat bear"),
            concept("topic", "food", "thing",
                "soup bread cake apple cheese pie rice pear honey plum"),
            concept("topic", "sports", "thing",
                "football tennis race match ball goal trophy hockey rugby golf"),
            concept("topic", "music", "thing",
                "song piano drum guitar violin tune flute choir trumpet melody"),
            concept("topic", "weather", "thing",
                "rain snow storm wind fog thunder cloud hail frost breeze")),
        family("sentiment",
            concept("sentiment", "joyful", "adj", "happy glad cheerful delighted merry",
                "adv", "happily gladly cheerfully merrily"),
            concept("sentiment", "angry", "adj", "angry furious cross annoyed irate",
                "adv", "angrily furiously crossly irately"),
            concept("sentiment", "sad", "adj", "sad gloomy unhappy tearful glum",
                "adv", "sadly gloomily unhappily tearfully")),
        family("place",
            concept("place", "london", "city", "london", "landmark", "thames westminster piccadilly"),
            concept("place", "paris", "city", "paris", "landmark", "seine louvre montmartre"),
            concept("place", "tokyo", "city", "tokyo", "landmark", "shibuya ginza asakusa"),
            concept("place", "rome", "city", "rome", "landmark", "tiber colosseum trastevere"),
            concept("place", "cairo", "city", "cairo", "landmark", "nile giza zamalek")),
        family("register",
            concept("register", "plain", "very", "very really truly", "then", "then next later"),
            concept("register", "formal", "very", "exceedingly remarkably most",
                "then", "subsequently thereafter consequently")),
        family("tense",
            concept("tense", "past", "be", "was seemed felt",
                "verb", "saw found watched liked painted followed"),
            concept("tense", "present", "be", "is seems feels",
                "verb", "sees finds watches likes paints follows")),
        family("time",
            concept("time", "morning", "when", "dawn sunrise daybreak"),
            concept("time", "afternoon", "when", "noon midday lunchtime"),
            concept("time", "evening", "when", "dusk sunset twilight"),
            concept("time", "night", "when", "midnight bedtime moonrise")),
        family("character",
            concept("character", "baker", "person", "baker", "tool", "oven flour apron"),
            concept("character", "doctor", "person", "doctor", "tool", "medicine bandage stethoscope"),
            concept("character", "sailor", "person", "sailor", "tool", "boat anchor compass"),
            concept("character", "teacher", "person", "teacher", "tool", "chalk book lesson"),
            concept("character", "farmer", "person", "farmer", "tool", "tractor barn plough")),
        family("colour",
            concept("colour", "red", "colour", "red crimson scarlet"),
            concept("colour", "blue", "colour", "blue navy azure"),
            concept("colour", "green", "colour", "green emerald olive"),
            concept("colour", "yellow", "colour", "yellow golden amber"),
            concept("colour", "purple", "colour", "purple violet lilac")));
  }

  private static ConceptFamily family(String name, Concept... concepts) {
    return new ConceptFamily(name, List.of(concepts));
  }

  private static Concept concept(String family, String name, String role, String words) {
    return new Concept(family, name, Map.of(role, List.of(words.split(" "))));
  }

  private static Concept concept(
      String family, String name, String role1, String words1, String role2, String words2) {
    // ImmutableMap keeps the roles in the order written, so Concept.allWords() is deterministic.
    return new Concept(
        family,
        name,
        ImmutableMap.of(
            role1, List.of(words1.split(" ")), role2, List.of(words2.split(" "))));
  }
}
