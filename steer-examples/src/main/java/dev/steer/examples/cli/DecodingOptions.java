package dev.steer.examples.cli;

import dev.steer.onnx.generate.GenerationConfig;
import picocli.CommandLine.Option;

/** How to decode: length, greedy or sampled; shared by the commands that generate. */
final class DecodingOptions {

  @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "30",
      description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
      description = "Sampling temperature; 0 decodes greedily (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
      description = "Sample from the K most likely tokens only; 0 = off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
      description = "Nucleus sampling mass in (0, 1]; 1 = off (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Sampler seed; equal seeds give equal samples (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The generation config; {@link IllegalArgumentException} names a value out of range. */
  GenerationConfig toConfig() {
    return GenerationConfig.builder()
        .maxNewTokens(maxTokens)
        .temperature(temperature)
        .topK(topK)
        .topP(topP)
        .seed(seed)
        .build();
  }
}
