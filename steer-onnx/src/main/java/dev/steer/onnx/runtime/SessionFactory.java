package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.graph.GraphRewriter;
import dev.steer.onnx.graph.ResidualStreamMap;
import java.nio.file.Path;
import java.util.Set;

/** Rewrites the model graph for a plan layout and capture set, and opens an ONNX Runtime session on it. */
final class SessionFactory {

  private final OrtEnvironment env;
  private final ModelProto model;
  private final ResidualStreamMap map;
  private final Path weightsFolder;
  private final ExecutionDevice device;
  private final ModelConfig config;

  SessionFactory(OrtEnvironment env, ModelProto model, ResidualStreamMap map, Path weightsFolder,
      ExecutionDevice device, ModelConfig config) {
    this.env = env;
    this.model = model;
    this.map = map;
    this.weightsFolder = weightsFolder;
    this.device = device;
    this.config = config;
  }

  CompiledDecoder compile(PlanLayout layout, Set<HookPoint> captures) throws OrtException {
    ModelProto rewritten = GraphRewriter.rewrite(model, map, captures, layout.slots());
    OrtSession session = open(env, rewritten.toByteArray(), weightsFolder, device);
    try {
      return new CompiledDecoder(env, session, layout, captures, config);
    } catch (OrtException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** Opens a session on model bytes whose external weights (if any) live in {@code weightsFolder}. */
  static OrtSession open(OrtEnvironment env, byte[] bytes, Path weightsFolder, ExecutionDevice device)
      throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.addConfigEntry("session.model_external_initializers_file_folder_path",
          weightsFolder.toAbsolutePath().toString());
      if (device.intraOpThreads() > 0) {
        opts.setIntraOpNumThreads(device.intraOpThreads());
      }
      if (device.cuda()) {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device.deviceId())) {
          if (device.memoryLimitBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(device.memoryLimitBytes()));
          }
          opts.addCUDA(cuda);
        }
      }
      return env.createSession(bytes, opts);
    }
  }
}
