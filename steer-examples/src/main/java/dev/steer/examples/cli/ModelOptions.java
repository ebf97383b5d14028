package dev.steer.examples.cli;

import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model DIR} and {@code --device} options every model command shares. */
final class ModelOptions {

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
      description = "Model directory: model.onnx (Optimum decoder export), config.json, tokenizer.json.")
  Path directory;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
      converter = Converters.Device.class,
      description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
  ExecutionDevice device;

  OnnxSteerableModel open() throws LoadException {
    return Inputs.openModel(directory, device);
  }
}
