package dev.steer.examples.bench;

import ai.onnxruntime.OrtException;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.runtime.ExecutionDevice;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.plan.TokenScope;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One exported benchmark model opened twice: through Steer and through the plain ONNX Runtime baseline,
 * with the same device and thread settings, plus the plans and prompts the measurements use. Close it.
 */
final class BenchSubject implements AutoCloseable {

  final BenchModel spec;
  final OnnxSteerableModel steer;
  final PlainOrtGreedy baseline;
  /** Additive at the middle block's resid_post, every token. */
  final SteeringPlan oneLayer;
  /** Additive at every block's resid_post, every token. */
  final SteeringPlan allLayers;
  final HookPoint middle;

  BenchSubject(BenchModel spec, Path dir, ExecutionDevice device) throws IOException, OrtException {
    this.spec = spec;
    spec.write(dir, 42);
    this.steer = OnnxSteerableModel.open(dir, device);
    PlainOrtGreedy b;
    try {
      b = new PlainOrtGreedy(dir.resolve(DecoderExporter.MODEL_FILE), device);
    } catch (OrtException | RuntimeException e) {
      steer.close();
      throw e;
    }
    this.baseline = b;
    this.middle = HookPoint.residPost(spec.layers() / 2);
    this.oneLayer = SteeringPlan.of(middle, additive(1));
    SteeringPlan.Builder all = SteeringPlan.builder();
    for (int l = 0; l < spec.layers(); l++) {
      all.add(HookPoint.residPost(l), additive(100 + l), TokenScope.all());
    }
    this.allLayers = all.build();
  }

  /** An additive edit along a random unit direction, α = 2 (the size of a typical residual entry). */
  Additive additive(long seed) {
    return Additive.of(randomDirection(seed), 2.0);
  }

  SteeringVector randomDirection(long seed) {
    Random r = new Random(seed);
    float[] v = new float[spec.hidden()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v).unit();
  }

  /** {@code batch} distinct prompts of {@code words} random words each (equal token counts, no padding). */
  List<String> prompts(int batch, int words, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      StringBuilder s = new StringBuilder();
      for (int w = 0; w < words; w++) {
        s.append(w == 0 ? "" : " ").append(BenchModel.word(r.nextInt(spec.vocab() - 4)));
      }
      out.add(s.toString());
    }
    return out;
  }

  /** The prompts' token ids, as Steer's tokenizer encodes them (BOS first). */
  int[][] encode(List<String> prompts) {
    int[][] ids = new int[prompts.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = steer.encode(prompts.get(i));
    }
    return ids;
  }

  /** Total generated tokens, after checking every generation produced exactly {@code expected}. */
  static int checkedLength(List<Generation> generations, int expected) {
    int total = 0;
    for (Generation g : generations) {
      if (g.tokens().length != expected) {
        throw new IllegalStateException("a generation stopped after " + g.tokens().length + " of " + expected
            + " tokens (" + g.stopReason() + "); the comparison would not be fair");
      }
      total += expected;
    }
    return total;
  }

  @Override
  public void close() throws OrtException {
    try {
      baseline.close();
    } finally {
      steer.close();
    }
  }
}
