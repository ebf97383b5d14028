package dev.steer.examples.cli;

import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.ModelVariant;
import dev.steer.plan.TokenScope;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers of option values; a bad value becomes a usage error (exit 2) that names it. */
final class Converters {
  private Converters() {}

  /** {@code cpu}, {@code cuda} or {@code cuda:N}. */
  static final class Variant implements ITypeConverter<ModelVariant> {
    @Override
    public ModelVariant convert(String value) {
      try {
        return ModelVariant.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class Device implements ITypeConverter<ExecutionDevice> {
    @Override
    public ExecutionDevice convert(String value) {
      if (value.equals("cpu")) {
        return ExecutionDevice.cpu();
      }
      if (value.equals("cuda")) {
        return ExecutionDevice.cuda(0);
      }
      if (value.startsWith("cuda:")) {
        return ExecutionDevice.cuda(nonNegative(value.substring(5), value));
      }
      throw new TypeConversionException("'" + value + "' is not a device; expected cpu, cuda or cuda:N");
    }
  }

  /** {@code mean}, {@code pca} or {@code probe} (or the long ids {@code mean_difference}, {@code linear_probe}). */
  static final class Method implements ITypeConverter<ExtractionMethod> {
    @Override
    public ExtractionMethod convert(String value) {
      return switch (value) {
        case "mean", "mean_difference" -> ExtractionMethod.MEAN_DIFFERENCE;
        case "pca" -> ExtractionMethod.PCA;
        case "probe", "linear_probe" -> ExtractionMethod.LINEAR_PROBE;
        default -> throw new TypeConversionException(
            "'" + value + "' is not an extraction method; expected mean, pca or probe");
      };
    }
  }

  /** {@code last}, {@code mean}, {@code mean_skip_first} or {@code offset:K}. */
  static final class Position implements ITypeConverter<TokenPosition> {
    @Override
    public TokenPosition convert(String value) {
      try {
        return TokenPosition.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code all}, {@code prompt}, {@code generated} or {@code from:K} (decoding step K onwards). */
  static final class Scope implements ITypeConverter<TokenScope> {
    @Override
    public TokenScope convert(String value) {
      return switch (value) {
        case "all" -> TokenScope.all();
        case "prompt" -> TokenScope.prompt();
        case "generated" -> TokenScope.generated();
        default -> {
          if (!value.startsWith("from:")) {
            throw new TypeConversionException(
                "'" + value + "' is not a token scope; expected all, prompt, generated or from:K");
          }
          yield TokenScope.fromStep(nonNegative(value.substring(5), value));
        }
      };
    }
  }

  private static int nonNegative(String digits, String value) {
    try {
      int n = Integer.parseInt(digits);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TypeConversionException("'" + value + "': '" + digits + "' is not a non-negative integer");
  }
}
