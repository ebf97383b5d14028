package dev.steer.testbed;

import dev.steer.hook.HookPoint;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.ModelLoadException;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The testbed shipped with Steer: a small GPT-2-shaped model that Steer trained on its own story grammar
 * ({@link StoryGrammar#standard()}), packaged as a Hugging Face Optimum export inside this jar. Because the
 * grammar and its concepts are known exactly, {@link #judge()} scores steered text without an LLM judge.
 *
 * <pre>{@code
 * try (OnnxSteerableModel model = Testbed.open()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Regenerate the shipped files with {@code ./steer-examples/build-testbed.sh} (training, then export).
 */
public final class Testbed {

  /** Class-path folder of the shipped model files. */
  public static final String RESOURCES = "/dev/steer/testbed/model/";

  /** Files of the shipped model directory. */
  public static final List<String> FILES = List.of(
      "model.onnx", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json");

  private Testbed() {}

  /**
   * Opens the shipped testbed model (copied once to a temporary directory that is deleted on exit).
   *
   * @throws ModelLoadException if the jar does not contain the model files
   */
  public static OnnxSteerableModel open() throws IOException {
    return OnnxSteerableModel.open(sharedCopy());
  }

  private static Path sharedCopy;

  /** One copy per JVM for {@link #open}, so that opening many times does not leave a directory each. */
  private static synchronized Path sharedCopy() throws IOException {
    if (sharedCopy == null || !FILES.stream().allMatch(f -> Files.isRegularFile(sharedCopy.resolve(f)))) {
      sharedCopy = extract();
    }
    return sharedCopy;
  }

  /** Copies the shipped model files into a fresh temporary directory and returns it. */
  public static Path extract() throws IOException {
    Path dir = Files.createTempDirectory("steer-testbed");
    dir.toFile().deleteOnExit();
    for (String f : FILES) {
      try (InputStream in = Testbed.class.getResourceAsStream(RESOURCES + f)) {
        if (in == null) {
          throw new ModelLoadException("the testbed model file " + RESOURCES + f + " is not on the class path;"
              + " build it with ./steer-examples/build-testbed.sh");
        }
        Path target = dir.resolve(f);
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        target.toFile().deleteOnExit();
      }
    }
    return dir;
  }

  /** The grammar the testbed was trained on. */
  public static StoryGrammar grammar() {
    return StoryGrammar.standard();
  }

  /** The ground-truth judge for the testbed's text, with default thresholds. */
  public static Judge judge() {
    return new Judge(grammar());
  }

  /**
   * The hook point the demo and tests steer: the residual stream after the third of the four blocks (the
   * input of the last), a middle layer. The testbed was trained with early exits after its two middle
   * blocks, so concepts are already fetched to where they are used by then ({@link ConceptPresence}).
   * Measured (docs/testbed.md): additive steering reaches the testbed's bar for 19 of 31 concepts here.
   */
  public static HookPoint steeringLayer(OnnxSteerableModel model) {
    return HookPoint.residPost(model.shape().layers() - 2);
  }

  /**
   * Sampling settings for a whole story after {@code prompt}: temperature 1, seeded, until the model
   * writes {@code <eos>} or its context is full. The judge scores every sentence, so judging complete
   * stories rather than a fixed token budget keeps a sentence cut off before its concept slots from
   * counting as a miss.
   */
  public static GenerationConfig wholeStory(OnnxSteerableModel model, String prompt, long seed) {
    return GenerationConfig.sampled(model.config().maxPositions() - model.encode(prompt).length, 1.0, seed);
  }

  /** Mean activation at {@code hookPoint} over every token of the neutral prompts. */
  public static float[] meanActivation(OnnxSteerableModel model, HookPoint hookPoint) {
    List<float[]> rows = neutralRows(model, hookPoint);
    double[] sum = new double[rows.get(0).length];
    for (float[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        sum[i] += row[i];
      }
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (sum[i] / rows.size());
    }
    return mean;
  }

  /** Mean ‖h‖ at {@code hookPoint} over every token of the neutral prompts: the scale for strengths. */
  public static double residualNorm(OnnxSteerableModel model, HookPoint hookPoint) {
    List<float[]> rows = neutralRows(model, hookPoint);
    double sum = 0;
    for (float[] row : rows) {
      double s = 0;
      for (float x : row) {
        s += (double) x * x;
      }
      sum += Math.sqrt(s);
    }
    return sum / rows.size();
  }

  /** The activations at {@code hookPoint} of every token of the neutral prompts, unsteered. */
  private static List<float[]> neutralRows(OnnxSteerableModel model, HookPoint hookPoint) {
    List<float[]> rows = new ArrayList<>();
    for (String p : ContrastivePrompts.NEUTRAL_PREFIXES) {
      rows.addAll(Arrays.asList(model.capture(p, List.of(hookPoint), SteeringPlan.empty()).at(hookPoint)));
    }
    return rows;
  }

  /**
   * The output of the block named by a hand-run tool's optional argument (or {@code defaultBlock}); on a
   * bad argument, prints {@code usage} and what the model has, and exits with status 2.
   */
  static HookPoint blockArgument(String[] args, OnnxSteerableModel model, int defaultBlock, String usage) {
    int layers = model.shape().layers();
    String arg = args.length == 1 ? args[0] : String.valueOf(defaultBlock);
    if (args.length > 1 || !arg.matches("\\d{1,4}") || Integer.parseInt(arg) >= layers) {
      System.err.println("usage: " + usage + "; the testbed has blocks 0 to " + (layers - 1));
      System.exit(2);
    }
    return HookPoint.residPost(Integer.parseInt(arg));
  }

  /** Opens the testbed, failing with an unchecked exception (for examples and JShell). */
  public static OnnxSteerableModel openUnchecked() {
    try {
      return open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
