package dev.steer.testbed;

import dev.steer.hook.HookPoint;
import dev.steer.onnx.runtime.ModelLoadException;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    return OnnxSteerableModel.open(extract());
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

  /** The hook point the demo and tests steer: the residual stream after the middle block. */
  public static HookPoint middleLayer(OnnxSteerableModel model) {
    return HookPoint.residPost(model.shape().layers() / 2 - 1);
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
