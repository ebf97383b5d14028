package dev.steer.examples.cli;

import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code steer generate}: steered generation streamed to the terminal, optionally followed by the unsteered one. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {
      "Generate from a prompt under a steering vector, printing tokens as they are decided. With --compare the"
          + " unsteered output follows for the same prompt and decoding settings.",
      "The rotations (--kind angular, plane) turn within the plane span(vector, --vector2), oriented from the"
          + " vector towards the second one; without --vector2 the plane is fitted to all the vector file's"
          + " layers (Angular Steering: b1 = the layer vector closest to the others, b2 = their first principal"
          + " component), which needs a file with two or more layers."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SteeringOptions steering;
  @Mixin DecodingOptions decoding;

  @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
  String prompt;

  @Option(names = "--compare", description = "Also generate unsteered and print it after the steered output.")
  boolean compare;

  @Override
  public Integer call() throws LoadException {
    GenerationConfig config = Usage.check(spec, decoding::toConfig);
    SteeringPlan plan = steering.plan();
    try (OnnxSteerableModel m = model.open()) {
      Usage.check(spec, () -> {
        plan.validate(m.shape());
        return plan;
      });
      PrintWriter out = spec.commandLine().getOut();
      if (plan.isEmpty()) {
        stream(m, "unsteered", SteeringPlan.empty(), config, out);
      } else {
        stream(m, "steered: " + plan, plan, config, out);
        if (compare) {
          stream(m, "unsteered", SteeringPlan.empty(), config, out);
        }
      }
    }
    return SteerCli.OK;
  }

  private void stream(OnnxSteerableModel m, String title, SteeringPlan plan, GenerationConfig config,
      PrintWriter out) {
    out.println("== " + title);
    out.println("> " + prompt);
    out.flush();
    Generation g;
    try {
      g = m.generate(prompt, plan, config, (row, token, delta) -> {
        out.print(delta);
        out.flush();
      });
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    out.println();
    out.println("== " + g.tokens().length + " tokens, " + g.stopReason().name().toLowerCase(java.util.Locale.ROOT));
    out.flush();
  }
}
