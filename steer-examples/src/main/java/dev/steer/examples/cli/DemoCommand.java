package dev.steer.examples.cli;

import dev.steer.examples.demo.Demo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code steer demo}: the main job, steering the embedded testbed model. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Steer the testbed model that ships with Steer towards a few concepts: unsteered and steered"
        + " continuations side by side with their concept and fluency scores, and a strength sweep with"
        + " success rates, normalised branching factor and KL to the unsteered model.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Demo.run(spec.commandLine().getOut());
    return 0;
  }
}
