package dev.steer.examples.cli;

import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.ModelVariant;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --model DIR}, {@code --variant} and {@code --device} options every model command shares. */
final class ModelOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
      description = "Model directory: an onnxruntime-genai folder (genai_config.json) or a Hugging Face"
          + " Optimum / transformers.js export (config.json, model.onnx or onnx/model*.onnx), with tokenizer.json.")
  Path directory;

  @Option(names = "--variant", paramLabel = "VARIANT", converter = Converters.Variant.class,
      description = "Precision variant of an Optimum/transformers.js folder: fp32, fp16, q4, q4f16, int8,"
          + " uint8, quantized (q8) or bnb4 (default: fp32 where present; 'inspect' lists them).")
  ModelVariant variant;

  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu",
      converter = Converters.Device.class,
      description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
  ExecutionDevice device;

  /** Opens the model, printing what opening found worth a warning (e.g. a tokenizer larger than the model). */
  OnnxSteerableModel open() throws LoadException {
    OnnxSteerableModel m = Inputs.openModel(directory, device, Optional.ofNullable(variant));
    PrintWriter err = command.commandLine().getErr();
    m.warnings().forEach(w -> err.println("warning: " + w));
    err.flush();
    return m;
  }
}
