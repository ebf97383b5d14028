package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Locale;

/**
 * The precision variants that Optimum and transformers.js publish side by side, told apart by a suffix
 * of the graph file's name ({@code onnx/model_fp16.onnx}, {@code decoder_model_merged_q4.onnx}, …), as
 * transformers.js names its {@code dtype} option.
 */
public enum ModelVariant {
  /** Full precision: {@code model.onnx}. */
  FP32(""),
  /** Half-precision weights and activations: {@code model_fp16.onnx}. */
  FP16("_fp16"),
  /** Int4 block-quantized MatMuls ({@code MatMulNBits}) with float32 activations: {@code model_q4.onnx}. */
  Q4("_q4"),
  /** Int4 block-quantized MatMuls with half-precision activations: {@code model_q4f16.onnx}. */
  Q4F16("_q4f16"),
  /** Dynamic int8 quantization: {@code model_int8.onnx}. */
  INT8("_int8"),
  /** Dynamic uint8 quantization: {@code model_uint8.onnx}. */
  UINT8("_uint8"),
  /** Optimum's default 8-bit quantization ({@code q8} in transformers.js): {@code model_quantized.onnx}. */
  QUANTIZED("_quantized"),
  /** bitsandbytes 4-bit: {@code model_bnb4.onnx}. */
  BNB4("_bnb4");

  private final String suffix;

  ModelVariant(String suffix) {
    this.suffix = suffix;
  }

  /** The file-name suffix before {@code .onnx}; empty for {@link #FP32}. */
  public String suffix() {
    return suffix;
  }

  /** The graph file of this variant for a base name such as {@code model} or {@code decoder_model_merged}. */
  String fileName(String stem) {
    return stem + suffix + ".onnx";
  }

  /** The lower-case name users type: {@code fp32}, {@code fp16}, {@code q4}, … */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a label ({@code fp32}, {@code fp16}, {@code q4}, {@code q4f16}, {@code int8}, {@code uint8},
   * {@code quantized} or its transformers.js name {@code q8}, {@code bnb4}), ignoring case.
   *
   * @throws IllegalArgumentException naming the accepted labels
   */
  public static ModelVariant parse(String label) {
    checkNotNull(label, "label");
    String l = label.trim().toLowerCase(Locale.ROOT);
    if (l.equals("q8")) {
      return QUANTIZED;
    }
    for (ModelVariant v : values()) {
      if (v.label().equals(l)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown model variant '" + label + "'; expected one of "
        + Arrays.stream(values()).map(ModelVariant::label).toList() + " (or q8 for quantized)");
  }
}
