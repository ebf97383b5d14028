package dev.steer.onnx.real;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The two decoder folders written by exporters outside this project (see resources/real-exports/README.md). */
enum RealExports {
  /** onnxruntime.transformers GPT-2: fused ops, packed cache, int32 inputs, float32. */
  GPT2_FP32("ortgenai-gpt2-fp32", new int[] {204, 204, 204, 204, 204, 204},
      new int[] {731, 114, 114, 114, 114, 114}),
  /** onnxruntime-genai model builder Llama: MultiHeadAttention, RotaryEmbedding, float16 throughout. */
  LLAMA_FP16("ortgenai-llama-fp16", new int[] {12102, 30463, 4666, 17192, 3266, 18061},
      new int[] {29592, 4877, 18112, 22607, 12936, 997});

  /** The prompts of the source repository's greedy-search tests. */
  static final int[] PROMPT_A = {0, 0, 0, 52};
  static final int[] PROMPT_B = {0, 0, 195, 731};

  private final String folder;
  final int[] expectedA;
  final int[] expectedB;

  RealExports(String folder, int[] expectedA, int[] expectedB) {
    this.folder = folder;
    this.expectedA = expectedA;
    this.expectedB = expectedB;
  }

  Path dir() {
    try {
      return Path.of(RealExports.class.getResource("/real-exports/" + folder).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
