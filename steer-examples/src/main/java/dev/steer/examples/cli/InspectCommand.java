package dev.steer.examples.cli;

import com.google.gson.GsonBuilder;
import dev.steer.hook.HookPoint;
import dev.steer.hook.Site;
import dev.steer.onnx.graph.ResidualStreamMap;
import dev.steer.onnx.runtime.ModelConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code steer inspect}: the residual-stream map Steer discovered in a model's graph. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print the model's residual-stream map: type, layers, hidden size, sites and the graph"
        + " tensor behind every hook point.")
final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Override
  public Integer call() throws LoadException {
    try (OnnxSteerableModel m = model.open()) {
      ResidualStreamMap map = m.residualStream();
      ModelConfig config = m.config();
      Set<Site> sites = EnumSet.noneOf(Site.class);
      Map<String, String> tensors = new LinkedHashMap<>();
      for (HookPoint h : map.hookPoints()) {
        sites.add(h.site());
        tensors.put(h.name(), map.tensorName(h));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.directory.toString());
        o.put("modelType", config.modelType());
        o.put("layers", map.layers());
        o.put("hiddenSize", map.hiddenSize());
        o.put("vocabSize", config.vocabSize());
        o.put("normPlacement", map.normPlacement().name());
        o.put("sites", sites.stream().map(Site::hookName).toList());
        o.put("hookPoints", tensors);
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
      } else {
        out.printf("model        %s%n", model.directory);
        out.printf("type         %s%n", config.modelType());
        out.printf("layers       %d%n", map.layers());
        out.printf("hidden size  %d%n", map.hiddenSize());
        out.printf("vocabulary   %d%n", config.vocabSize());
        out.printf("norm         %s%n", map.normPlacement());
        out.printf("sites        %s%n", String.join(", ", sites.stream().map(Site::hookName).toList()));
        out.printf("hook points  (%d)%n", tensors.size());
        int width = tensors.keySet().stream().mapToInt(String::length).max().orElse(0);
        tensors.forEach((hook, tensor) -> out.printf("  %-" + width + "s  %s%n", hook, tensor));
      }
      out.flush();
    }
    return SteerCli.OK;
  }
}
