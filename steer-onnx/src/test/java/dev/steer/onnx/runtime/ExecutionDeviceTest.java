package dev.steer.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutionDeviceTest {

  private static boolean cudaAvailable() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  @Test
  void cudaWithoutTheGpuRuntimeIsAClearLoadError(@TempDir Path dir) throws IOException {
    assumeTrue(!cudaAvailable(), "this class path has the CUDA provider");
    Path model = TinyModelDirs.write(Architecture.GPT2, dir);
    ModelLoadException e = assertThrows(ModelLoadException.class,
        () -> OnnxSteerableModel.open(model, ExecutionDevice.cuda(0)));
    assertTrue(e.getMessage().contains("cuda:0"), e.getMessage());
    try (OnnxSteerableModel cpu = OnnxSteerableModel.open(model)) {
      // the failed CUDA open left nothing behind: the CPU model works as usual
      assertTrue(cpu.generate("w1 w2", SteeringPlan.empty(), GenerationConfig.greedy(4)).tokens().length >= 1);
    }
  }

  @Test
  void devicesValidateAndPrint() {
    assertEquals("cuda:1", ExecutionDevice.cuda(1).toString());
    assertEquals("cpu", ExecutionDevice.cpu().toString());
    assertThrows(IllegalArgumentException.class, () -> ExecutionDevice.cuda(-1));
    assertThrows(IllegalArgumentException.class, () -> ExecutionDevice.cpu(-2));
  }

  /** Run with -Dsteer.gpu and the onnxruntime_gpu artifact on a machine with a CUDA GPU. */
  @Test
  @Tag("gpu")
  void steeredGenerationOnCudaMatchesTheCpu(@TempDir Path dir) throws IOException {
    assumeTrue(cudaAvailable(), "no CUDA execution provider on this class path");
    Path model = TinyModelDirs.write(Architecture.LLAMA, dir);
    SteeringPlan plan = SteeringPlan.of(HookPoint.residPost(1),
        Additive.of(SteeringVector.basis(64, 3), 4.0));
    GenerationConfig cfg = GenerationConfig.builder().maxNewTokens(8).returnLogits(true).build();
    try (OnnxSteerableModel cpu = OnnxSteerableModel.open(model);
        OnnxSteerableModel gpu = OnnxSteerableModel.open(model, ExecutionDevice.cuda(0))) {
      Generation a = cpu.generate("w1 w2 w3", plan, cfg);
      Generation b = gpu.generate("w1 w2 w3", plan, cfg);
      assertArrayEquals(a.tokens(), b.tokens());
      for (int t = 0; t < a.stepLogits().size(); t++) {
        float[] x = a.stepLogits().get(t);
        float[] y = b.stepLogits().get(t);
        for (int i = 0; i < x.length; i++) {
          assertEquals(x[i], y[i], 1e-3 * Math.max(1, Math.abs(x[i])), "step " + t + " token " + i);
        }
      }
    }
  }
}
