package dev.steer.onnx.export;

/**
 * The decoder-only families {@link DecoderExporter} can write, each named by its Hugging Face
 * {@code model_type}.
 */
public enum Architecture {
  /** GPT-2: LayerNorm pre-norm blocks, learned absolute positions, gelu_new MLP, tied LM head. */
  GPT2("gpt2", "GPT2LMHeadModel"),
  /** Llama: RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention. */
  LLAMA("llama", "LlamaForCausalLM"),
  /**
   * Gemma-2: Llama-like with (1 + w) RMSNorm gains, extra norms after each sublayer, embeddings scaled by
   * √hidden, GeGLU MLP and optional tanh soft-capping of attention and final logits.
   */
  GEMMA2("gemma2", "Gemma2ForCausalLM");

  private final String modelType;
  private final String hfClass;

  Architecture(String modelType, String hfClass) {
    this.modelType = modelType;
    this.hfClass = hfClass;
  }

  /** The Hugging Face {@code model_type}, e.g. {@code llama}. */
  public String modelType() {
    return modelType;
  }

  /** The Hugging Face causal-LM class written to {@code architectures} in config.json. */
  public String huggingFaceClass() {
    return hfClass;
  }

  /**
   * The architecture whose {@code model_type} is {@code modelType}.
   *
   * @throws IllegalArgumentException naming the accepted values when none matches
   */
  public static Architecture fromModelType(String modelType) {
    for (Architecture a : values()) {
      if (a.modelType.equals(modelType)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unsupported model_type '" + modelType + "'; expected one of gpt2, llama, gemma2");
  }
}
