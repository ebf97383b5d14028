package dev.steer.examples.experiment;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.steer.extract.ExtractionMethod;
import dev.steer.testbed.ContrastivePrompts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep's dimensions, parsed from {@code --name value} arguments. The default is a small sweep (8
 * concepts × mean difference × 4 kinds × 7 strengths × layer 2 × 8 prompts = 1,792 runs, a few minutes on
 * a laptop CPU); {@code --full} sets the size (8 concepts × 3 methods × 4 kinds × 7
 * strengths × 2 layers × 16 prompts = 21,504 runs); explicit options given with it still apply.
 *
 * @param strengths per kind, ordered from under-steer towards over-steer
 * @param prompts prompt indices 0..n−1; index i decodes neutral prefix i mod 4 with seed i
 * @param newTokens new tokens per run, or {@link #WHOLE_STORY} (the default) to decode until {@code <eos>}
 *     or the end of the context, as the testbed's steering tests judge
 */
record ExperimentOptions(
    List<String> concepts,
    List<ExtractionMethod> methods,
    List<SteeringKind> kinds,
    Map<SteeringKind, List<Double>> strengths,
    List<Integer> layers,
    int prompts,
    int newTokens,
    Path out) {

  /** {@code --tokens 0}: decode whole stories ({@code Testbed.wholeStory}). */
  static final int WHOLE_STORY = 0;

  /** The full grids: 7 strengths per kind. */
  static final ImmutableMap<SteeringKind, List<Double>> FULL_STRENGTHS = ImmutableMap.of(
      SteeringKind.ADDITIVE, List.of(0.0, 0.15, 0.3, 0.45, 0.6, 0.9, 2.0),
      SteeringKind.ANGULAR, List.of(90.0, 75.0, 60.0, 45.0, 30.0, 15.0, 0.0),
      SteeringKind.PLANE, List.of(0.0, -15.0, -30.0, -45.0, -60.0, -75.0, -90.0),
      SteeringKind.SLERP, List.of(0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9));

  static ExperimentOptions parse(String... args) {
    Map<String, String> given = new LinkedHashMap<>();
    boolean full = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--full")) {
        full = true;
        continue;
      }
      checkArgument(a.startsWith("--") && i + 1 < args.length,
          "expected --name value (or --full), got '%s'; options: --concepts --methods --kinds --strengths"
              + " --layers --prompts --tokens --out --full", a);
      given.put(a.substring(2), args[++i]);
    }
    List<String> concepts = ContrastivePrompts.STEERING_TARGETS;
    List<ExtractionMethod> methods = full
        ? List.of(ExtractionMethod.MEAN_DIFFERENCE, ExtractionMethod.PCA, ExtractionMethod.LINEAR_PROBE)
        : List.of(ExtractionMethod.MEAN_DIFFERENCE);
    List<SteeringKind> kinds = List.of(SteeringKind.values());
    Map<SteeringKind, List<Double>> strengths = new LinkedHashMap<>(FULL_STRENGTHS);
    List<Integer> layers = full ? List.of(2, 3) : List.of(2);
    int prompts = full ? 16 : 8;
    int tokens = WHOLE_STORY;
    Path out = Path.of("experiment-out");
    for (Map.Entry<String, String> e : given.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "concepts" -> concepts = split(v);
        case "methods" -> methods = split(v).stream().map(ExperimentOptions::method).toList();
        case "kinds" -> kinds = split(v).stream().map(SteeringKind::parse).toList();
        case "strengths" -> strengths.putAll(parseStrengths(v));
        case "layers" -> layers = split(v).stream().map(Integer::parseInt).toList();
        case "prompts" -> prompts = Integer.parseInt(v);
        case "tokens" -> tokens = Integer.parseInt(v);
        case "out" -> out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option --" + e.getKey()
            + "; options: --concepts --methods --kinds --strengths --layers --prompts --tokens --out --full");
      }
    }
    checkArgument(!concepts.isEmpty() && !methods.isEmpty() && !kinds.isEmpty() && !layers.isEmpty(),
        "concepts, methods, kinds and layers must not be empty");
    checkArgument(prompts >= 1, "--prompts must be >= 1: %s", prompts);
    checkArgument(tokens == WHOLE_STORY || tokens >= 6,
        "--tokens must be 0 (whole stories) or >= 6 (the early features read 6): %s", tokens);
    return new ExperimentOptions(ImmutableList.copyOf(concepts), ImmutableList.copyOf(methods),
        ImmutableList.copyOf(kinds), ImmutableMap.copyOf(strengths), ImmutableList.copyOf(layers), prompts, tokens,
        out);
  }

  /** Short method names: mean, pca, probe (or the library's ids). */
  static ExtractionMethod method(String name) {
    return switch (name) {
      case "mean" -> ExtractionMethod.MEAN_DIFFERENCE;
      case "pca" -> ExtractionMethod.PCA;
      case "probe" -> ExtractionMethod.LINEAR_PROBE;
      default -> ExtractionMethod.fromId(name);
    };
  }

  static String methodName(ExtractionMethod m) {
    return switch (m) {
      case MEAN_DIFFERENCE -> "mean";
      case PCA -> "pca";
      case LINEAR_PROBE -> "probe";
    };
  }

  /** {@code additive:0,0.3,0.6;slerp:0,0.2} → per-kind grids. */
  static Map<SteeringKind, List<Double>> parseStrengths(String text) {
    Map<SteeringKind, List<Double>> out = new LinkedHashMap<>();
    for (String part : text.split(";")) {
      String[] kv = part.split(":", 2);
      checkArgument(kv.length == 2, "--strengths expects kind:v1,v2,...;kind:..., got '%s'", part);
      List<Double> values = new ArrayList<>();
      for (String s : split(kv[1])) {
        double d = Double.parseDouble(s);
        checkArgument(Double.isFinite(d), "strength must be finite: %s", s);
        values.add(d);
      }
      checkArgument(!values.isEmpty(), "no strengths for %s", kv[0]);
      out.put(SteeringKind.parse(kv[0].trim()), List.copyOf(values));
    }
    return out;
  }

  private static List<String> split(String v) {
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Number of runs in the sweep. */
  long runCount() {
    long perLayerMethodConcept = 0;
    for (SteeringKind k : kinds) {
      perLayerMethodConcept += strengths.get(k).size();
    }
    return perLayerMethodConcept * concepts.size() * methods.size() * layers.size() * prompts;
  }
}
