package dev.steer.onnx.generate;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * The result of generating from one prompt. Arrays are copied on access; the record is immutable.
 *
 * @param prompt the prompt text
 * @param promptTokens the prompt's token ids (with the model's special tokens)
 * @param tokens the generated token ids, including a final stop token if one ended generation
 * @param text the generated text (special tokens skipped, cut before a stop string)
 * @param stopReason why generation ended
 * @param stepLogits next-token logits of every step (step 0 = after the prompt), if requested with
 *     {@link GenerationConfig#returnLogits()}; otherwise empty
 */
public record Generation(
    String prompt, int[] promptTokens, int[] tokens, String text, StopReason stopReason, List<float[]> stepLogits) {

  /** Why a generation ended. */
  public enum StopReason {
    /** {@link GenerationConfig#maxNewTokens()} tokens were generated. */
    MAX_TOKENS,
    /** A stop token (the model's EOS or a configured one) was generated. */
    STOP_TOKEN,
    /** The text reached a configured stop string. */
    STOP_STRING
  }

  /** Copies. */
  public Generation {
    promptTokens = promptTokens.clone();
    tokens = tokens.clone();
    stepLogits = ImmutableList.copyOf(stepLogits.stream().map(float[]::clone).toList());
  }

  @Override
  public int[] promptTokens() {
    return promptTokens.clone();
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public List<float[]> stepLogits() {
    return stepLogits.stream().map(float[]::clone).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Generation g
        && prompt.equals(g.prompt)
        && java.util.Arrays.equals(promptTokens, g.promptTokens)
        && java.util.Arrays.equals(tokens, g.tokens)
        && text.equals(g.text)
        && stopReason == g.stopReason;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(prompt, java.util.Arrays.hashCode(tokens), text, stopReason);
  }

  @Override
  public String toString() {
    return "Generation[" + tokens.length + " tokens, " + stopReason + ": \"" + text + "\"]";
  }
}
