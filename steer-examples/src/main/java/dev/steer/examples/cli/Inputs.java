package dev.steer.examples.cli;

import dev.steer.io.GgufControlVectors;
import dev.steer.io.SafetensorsVectors;
import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.ModelLoadException;
import dev.steer.onnx.runtime.ModelVariant;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.vector.SteeringVectorSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads what commands load: models, prompt files, vector files; every failure names the path. */
final class Inputs {
  private static final byte[] GGUF_MAGIC = "GGUF".getBytes(StandardCharsets.US_ASCII);

  private Inputs() {}

  static OnnxSteerableModel openModel(Path dir, ExecutionDevice device, Optional<ModelVariant> variant)
      throws LoadException {
    try {
      return OnnxSteerableModel.open(dir, device, variant);
    } catch (ModelLoadException e) {
      String message = e.getMessage();
      throw new LoadException(message != null && message.contains(dir.toString())
          ? "cannot open model: " + message
          : "cannot open model " + dir + ": " + message, e);
    }
  }

  /** Non-blank lines of {@code file}, stripped: one prompt per line. */
  static List<String> readPrompts(Path file) throws LoadException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new LoadException("prompt file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new LoadException("cannot read prompt file " + file + ": " + e, e);
    }
    List<String> prompts = lines.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (prompts.isEmpty()) {
      throw new LoadException("prompt file " + file + " has no prompts (one per line expected)");
    }
    return prompts;
  }

  /** A GGUF control vector or safetensors vector file, told apart by the GGUF magic bytes. */
  static SteeringVectorSet readVectors(Path file) throws LoadException {
    try {
      byte[] head = new byte[4];
      int read;
      try (InputStream in = Files.newInputStream(file)) {
        read = in.readNBytes(head, 0, 4);
      }
      boolean gguf = read == 4 && Arrays.equals(head, GGUF_MAGIC);
      return gguf ? GgufControlVectors.read(file) : SafetensorsVectors.read(file);
    } catch (NoSuchFileException e) {
      throw new LoadException("vector file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new LoadException("cannot read vector file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The vector file format chosen by {@code file}'s extension. */
  enum VectorFormat {
    GGUF,
    SAFETENSORS;

    static VectorFormat of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      if (name.endsWith(".gguf")) {
        return GGUF;
      }
      if (name.endsWith(".safetensors")) {
        return SAFETENSORS;
      }
      throw new IllegalArgumentException(
          "cannot tell the vector format of " + file + ": the name must end in .gguf or .safetensors");
    }

    void write(SteeringVectorSet set, Path file) throws IOException {
      if (this == GGUF) {
        GgufControlVectors.write(set, file);
      } else {
        SafetensorsVectors.write(set, file);
      }
    }
  }
}
