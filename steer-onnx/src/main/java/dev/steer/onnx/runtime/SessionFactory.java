package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.graph.GraphRewriter;
import dev.steer.onnx.graph.ResidualStreamMap;
import java.util.Set;

/**
 * Rewrites the model's decoder graph(s) for a plan layout and capture set, and opens ONNX Runtime sessions
 * on them: one for a single decoder, two (the no-past prefill and the with-past step decoder, rewritten with
 * the same layout and captures) for split and merged exports.
 */
final class SessionFactory {

  private final OrtEnvironment env;
  private final DecoderGraphs graphs;
  private final ExecutionDevice device;
  private final ModelConfig config;
  private final SharedInitializers weights;

  /** A factory for sessions on {@code weights.graphs()} that read the weights from {@code weights}. */
  SessionFactory(OrtEnvironment env, SharedInitializers weights, ExecutionDevice device, ModelConfig config) {
    this.env = env;
    this.graphs = weights.graphs();
    this.device = device;
    this.config = config;
    this.weights = weights;
  }

  CompiledDecoder compile(PlanLayout layout, Set<HookPoint> captures) throws OrtException {
    OrtSession step = session(graphs.withPast(), graphs.withPastMap(), layout, captures);
    OrtSession prefill = null;
    try {
      if (graphs.noPast().isPresent()) {
        prefill = session(graphs.noPast().get(), graphs.noPastMap().orElseThrow(), layout, captures);
      }
      return new CompiledDecoder(env, step, prefill, layout, captures, config, graphs.io());
    } catch (OrtException | RuntimeException e) {
      step.close();
      if (prefill != null) {
        prefill.close();
      }
      throw e;
    }
  }

  private OrtSession session(ModelProto model, ResidualStreamMap map, PlanLayout layout, Set<HookPoint> captures)
      throws OrtException {
    ModelProto rewritten = GraphRewriter.rewrite(model, map, captures, layout.slots());
    return open(rewritten.toByteArray(), model.getGraph());
  }

  /**
   * Opens a session on model bytes rewritten from {@code source}, whose external weights (if any) live in
   * the graphs' weights folder and whose shared weights come from {@link #weights}.
   */
  private OrtSession open(byte[] bytes, GraphProto source) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.addConfigEntry("session.model_external_initializers_file_folder_path",
          graphs.weightsFolder().toAbsolutePath().toString());
      if (device.intraOpThreads() > 0) {
        opts.setIntraOpNumThreads(device.intraOpThreads());
      }
      if (!device.prepackWeights()) {
        opts.addConfigEntry("session.disable_prepacking", "1");
      }
      if (device.cuda()) {
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device.deviceId())) {
          if (device.memoryLimitBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(device.memoryLimitBytes()));
          }
          opts.addCUDA(cuda);
        }
      }
      weights.addTo(opts, source);
      return env.createSession(bytes, opts);
    }
  }
}
