package dev.steer.examples.cli;

import com.google.gson.GsonBuilder;
import dev.steer.metrics.run.LikelihoodProbe;
import dev.steer.metrics.summary.RunSummary;
import dev.steer.metrics.summary.Summaries;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code steer score}: how far a vector moves the next-token distributions, per prompt and overall. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {
      "Generate under the vector for every prompt and compare each step's next-token distribution with the"
          + " unsteered model's on the same context.",
      "NBF = mean branching factor steered / unsteered (BF = exp of the top-1000 entropy); KL = mean"
          + " KL(steered || unsteered); JS = mean Jensen-Shannon divergence; H = mean steered entropy; all"
          + " in nats. The mean row pools every (prompt, step) value."
    })
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SteeringOptions steering;
  @Mixin DecodingOptions decoding;

  @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompts, one per line.")
  Path promptFile;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--contrasts", paramLabel = "FILE", description = "Optional likelihood effect: lines of"
      + " PROMPT<TAB>POSITIVE COMPLETION<TAB>NEGATIVE COMPLETION (each completion follows the prompt after"
      + " one space); reports the mean of"
      + " Δ ln p(positive) − Δ ln p(negative) under steering (teacher-forced, no sampling).")
  Path contrastFile;

  @Override
  public Integer call() throws LoadException {
    if (!steering.steers()) {
      throw new ParameterException(spec.commandLine(), "score needs --vector FILE");
    }
    GenerationConfig config = Usage.check(spec, decoding::toConfig);
    SteeringPlan plan = steering.plan();
    List<String> prompts = Inputs.readPrompts(promptFile);
    List<PromptScore> scores = new ArrayList<>();
    List<LikelihoodProbe.Contrast> contrasts = contrastFile == null ? List.of() : readContrasts(contrastFile);
    double effect = Double.NaN;
    try (OnnxSteerableModel m = model.open()) {
      Usage.check(spec, () -> {
        plan.validate(m.shape());
        return plan;
      });
      for (String prompt : prompts) {
        scores.add(PromptScore.of(
            Usage.check(spec, () -> m.generateCompared(prompt, plan, config, Set.of()))));
      }
      if (!contrasts.isEmpty()) {
        effect = Usage.check(spec, () -> LikelihoodProbe.meanEffectSize(m, contrasts, plan));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(json(plan, prompts, scores, effect));
    } else {
      table(out, prompts, scores);
      if (!contrasts.isEmpty()) {
        out.printf("likelihood effect (mean over %d contrasts): %.4f%n", contrasts.size(), effect);
      }
    }
    out.flush();
    return SteerCli.OK;
  }

  private static void table(PrintWriter out, List<String> prompts, List<PromptScore> scores) {
    out.printf("%-6s %9s %9s %9s %9s  %s%n", "prompt", "NBF", "KL", "JS", "H", "text");
    for (int i = 0; i < scores.size(); i++) {
      row(out, Integer.toString(i), scores.get(i), prompts.get(i) + " -> " + scores.get(i).text());
    }
    row(out, "mean", PromptScore.pooled(scores), "");
  }

  private static void row(PrintWriter out, String label, PromptScore s, String text) {
    out.printf("%-6s %9.4f %9.4f %9.4f %9.4f  %s%n", label, s.nbf(), s.meanKl(), s.meanJs(), s.meanEntropy(), text);
  }

  private static List<LikelihoodProbe.Contrast> readContrasts(Path file) throws LoadException {
    List<LikelihoodProbe.Contrast> out = new ArrayList<>();
    List<String> lines = Inputs.readPrompts(file);
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split("\t");
      if (f.length != 3) {
        throw new LoadException("contrast file " + file + " line " + (i + 1) + " has " + f.length
            + " tab-separated fields; expected PROMPT, POSITIVE COMPLETION, NEGATIVE COMPLETION");
      }
      // a completion continues its prompt after one space, as text generated after the prompt would
      out.add(new LikelihoodProbe.Contrast(f[0].strip(), " " + f[1].strip(), " " + f[2].strip()));
    }
    return out;
  }

  private static String json(SteeringPlan plan, List<String> prompts, List<PromptScore> scores, double effect) {
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      Map<String, Object> o = metrics(scores.get(i));
      o.put("prompt", prompts.get(i));
      o.put("text", scores.get(i).text());
      rows.add(o);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("plan", plan.toString());
    root.put("prompts", rows);
    root.put("mean", metrics(PromptScore.pooled(scores)));
    if (!Double.isNaN(effect)) {
      root.put("likelihoodEffect", effect);
    }
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues()
        .create().toJson(root);
  }

  private static Map<String, Object> metrics(PromptScore s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("steps", s.steps());
    o.put("nbf", s.nbf());
    o.put("kl", s.meanKl());
    o.put("js", s.meanJs());
    o.put("entropy", s.meanEntropy());
    if (Double.isFinite(s.meanKl())) {
      RunSummary kl = Summaries.of(s.kl());
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("std", kl.std());
      k.put("median", kl.median());
      k.put("min", kl.min());
      k.put("max", kl.max());
      o.put("klSummary", k);
    }
    return o;
  }
}
