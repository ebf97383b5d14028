package dev.steer.examples.cli;

import com.google.gson.GsonBuilder;
import dev.steer.hook.HookPoint;
import dev.steer.hook.Site;
import dev.steer.onnx.graph.ResidualStreamMap;
import dev.steer.onnx.runtime.ModelConfig;
import dev.steer.onnx.runtime.ModelDirectory;
import dev.steer.onnx.runtime.ModelVariant;
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
    description = "Print the model folder's format, layout, variant, cache form, graph inputs and outputs with"
        + " their types, and its residual-stream map: type, layers, hidden size, sites and the graph tensor"
        + " behind every hook point.")
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
      Set<Site> absent = EnumSet.complementOf(EnumSet.copyOf(sites.isEmpty() ? EnumSet.allOf(Site.class) : sites));
      ModelDirectory dir = m.directory();
      String graphs = dir.graph().getFileName() + dir.withPastGraph().map(p -> " + " + p.getFileName()).orElse("");
      String variant = dir.variant().map(ModelVariant::label).orElse("as genai_config.json names it");
      Map<String, String> signature = m.signature();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.directory.toString());
        o.put("format", dir.format().name());
        o.put("layout", dir.layout().name());
        o.put("graph", graphs);
        o.put("variant", variant);
        o.put("variants", dir.variants().stream().map(ModelVariant::label).toList());
        o.put("cache", dir.io().cacheForm());
        o.put("signature", signature);
        o.put("warnings", m.warnings());
        o.put("modelType", config.modelType());
        o.put("layers", map.layers());
        o.put("hiddenSize", map.hiddenSize());
        o.put("vocabSize", config.vocabSize());
        o.put("normPlacement", map.normPlacement().name());
        o.put("sites", sites.stream().map(Site::hookName).toList());
        o.put("sitesNotFound", absent.stream().map(Site::hookName).toList());
        o.put("hookPoints", tensors);
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o));
      } else {
        out.printf("model        %s%n", model.directory);
        out.printf("format       %s, %s layout: %s%n", dir.format(), dir.layout(), graphs);
        out.printf("variant      %s%s%n", variant, dir.variants().size() > 1
            ? " (folder has " + String.join(", ", dir.variants().stream().map(ModelVariant::label).toList()) + ")"
            : "");
        out.printf("cache        %s%n", dir.io().cacheForm());
        out.printf("type         %s%n", config.modelType());
        out.printf("layers       %d%n", map.layers());
        out.printf("hidden size  %d%n", map.hiddenSize());
        out.printf("vocabulary   %d%n", config.vocabSize());
        out.printf("norm         %s%n", map.normPlacement());
        out.printf("sites        %s%n", String.join(", ", sites.stream().map(Site::hookName).toList()));
        if (!absent.isEmpty()) {
          out.printf("not found    %s (the graph has no tensor the structural finder could place there,"
              + " e.g. inside a fused op)%n", String.join(", ", absent.stream().map(Site::hookName).toList()));
        }
        out.printf("graph i/o    (%d)%n", signature.size());
        signature.forEach((name, type) -> out.printf("  %s  %s%n", name, type));
        out.printf("hook points  (%d)%n", tensors.size());
        int width = tensors.keySet().stream().mapToInt(String::length).max().orElse(0);
        tensors.forEach((hook, tensor) -> out.printf("  %-" + width + "s  %s%n", hook, tensor));
      }
      out.flush();
    }
    return SteerCli.OK;
  }
}
