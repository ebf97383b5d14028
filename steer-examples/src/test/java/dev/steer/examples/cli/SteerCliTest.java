package dev.steer.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.steer.examples.TinyModel;
import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.io.GgufControlVectors;
import dev.steer.io.SafetensorsVectors;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import dev.steer.vector.SteeringVectorSet;
import dev.steer.vector.VectorMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The steer command line run in-process on a tiny exported model. */
class SteerCliTest {
  private static final List<String> POSITIVES = List.of("w1 w2 w3", "w1 w4 w5", "w1 w6 w7");
  private static final List<String> NEGATIVES = List.of("w8 w2 w3", "w8 w4 w5", "w8 w6 w7");
  private static final List<String> PROMPTS = List.of("w3 w14 w15", "w9 w26");
  private static final HookPoint LAYER1 = HookPoint.residPost(1);

  @TempDir static Path root;
  static Path modelDir;
  static Path pos;
  static Path neg;
  static Path prompts;
  static Path gguf;
  static Path twoLayers;
  static OnnxSteerableModel model;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void setUp() throws IOException {
    modelDir = TinyModel.write(root.resolve("model"));
    pos = Files.write(root.resolve("pos.txt"), POSITIVES);
    neg = Files.write(root.resolve("neg.txt"), NEGATIVES);
    prompts = Files.write(root.resolve("prompts.txt"), PROMPTS);
    model = OnnxSteerableModel.open(modelDir);
    SteeringVector v1 = extract(LAYER1);
    gguf = root.resolve("layer1.gguf");
    GgufControlVectors.write(SteeringVectorSet.of(Map.of(LAYER1, v1)), gguf);
    twoLayers = root.resolve("two.safetensors");
    SafetensorsVectors.write(SteeringVectorSet.of(
        Map.of(HookPoint.residPost(0), extract(HookPoint.residPost(0)), LAYER1, v1), VectorMetadata.EMPTY), twoLayers);
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  private static SteeringVector extract(HookPoint at) {
    return model.extract(POSITIVES, NEGATIVES, at, ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
  }

  /** {@code r} exited with a usage error whose message mentions {@code fragment}. */
  static void assertUsageError(Run r, String fragment) {
    assertEquals(SteerCli.USAGE_ERROR, r.exit(), r.err());
    assertTrue(r.err().contains(fragment), r.err());
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SteerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void inspectNamesLayersHiddenSizeAndTensors() {
    Run r = run("inspect", "--model", modelDir.toString());
    assertEquals(SteerCli.OK, r.exit(), r.err());
    assertTrue(r.out().contains("layers       2"), r.out());
    assertTrue(r.out().contains("hidden size  32"), r.out());
    assertTrue(r.out().contains("type         gpt2"), r.out());
    assertTrue(r.out().contains("blocks.1.hook_resid_post"), r.out());
  }

  /** The exporters' own folders, shipped as steer-onnx test fixtures (see their README there). */
  private static final Path REAL_EXPORTS = Path.of("..", "steer-onnx", "src", "test", "resources", "real-exports");

  @Test
  void inspectPrintsLayoutVariantDtypesCacheFormAndSiteMapOfARealFp16Export() {
    Run r = run("inspect", "--model", REAL_EXPORTS.resolve("ortgenai-llama-fp16").toString());
    assertEquals(SteerCli.OK, r.exit(), r.err());
    assertTrue(r.out().contains("format       GENAI, SINGLE layout: model.onnx"), r.out());
    assertTrue(r.out().contains("cache        separate past_key_values.%d.key"), r.out());
    assertTrue(r.out().contains("in  input_ids  INT64"), r.out());
    assertTrue(r.out().contains("in  past_key_values.0.key  FLOAT16"), r.out());
    assertTrue(r.out().contains("out logits  FLOAT16"), r.out());
    assertTrue(r.out().contains("blocks.1.hook_resid_post"), r.out());
  }

  @Test
  void inspectWarnsOfATokenizerLargerThanTheModelOnStderr() {
    Run r = run("inspect", "--model", REAL_EXPORTS.resolve("ortgenai-gpt2-fp32").toString(), "--json");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    assertTrue(r.err().contains("warning: ") && r.err().contains("50294"), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("GENAI", o.get("format").getAsString());
    assertTrue(o.get("cache").getAsString().startsWith("packed past_%d"), o.toString());
    assertEquals("INT32[-1, -1]", o.getAsJsonObject("signature").get("in  input_ids").getAsString());
  }

  @Test
  void aVariantTheFolderLacksIsALoadErrorNamingWhatItHas() {
    Run r = run("inspect", "--model", modelDir.toString(), "--variant", "q4");
    assertEquals(SteerCli.LOAD_ERROR, r.exit(), r.out());
    assertTrue(r.err().contains("no q4 variant") && r.err().contains("fp32"), r.err());
  }

  @Test
  void inspectJsonMapsEveryHookPointToATensor() {
    Run r = run("inspect", "--model", modelDir.toString(), "--json");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(TinyModel.LAYERS, o.get("layers").getAsInt());
    assertEquals(TinyModel.HIDDEN, o.get("hiddenSize").getAsInt());
    JsonObject hooks = o.getAsJsonObject("hookPoints");
    assertEquals(model.residualStream().hookPoints().size(), hooks.size());
    assertEquals(model.residualStream().tensorName(LAYER1), hooks.get(LAYER1.name()).getAsString());
  }

  @Test
  void extractWritesAGgufThatReadsBackAtTheHookPointWithTheModelsVector() throws IOException {
    Path out = root.resolve("extracted.gguf");
    Run r = run("extract", "--model", modelDir.toString(), "--pos", pos.toString(), "--neg", neg.toString(),
        "--layer", "1", "--method", "mean", "-o", out.toString());
    assertEquals(SteerCli.OK, r.exit(), r.err());
    SteeringVectorSet set = GgufControlVectors.read(out);
    assertEquals(List.of(LAYER1), set.hookPoints());
    assertArrayEquals(extract(LAYER1).toArray(), set.get(LAYER1).orElseThrow().toArray());
  }

  @Test
  void extractWritesSafetensorsWhenTheNameSaysSo() throws IOException {
    Path out = root.resolve("extracted.safetensors");
    Run r = run("extract", "-m", modelDir.toString(), "--pos", pos.toString(), "--neg", neg.toString(),
        "--layer", "0", "--site", "resid_mid", "--method", "pca", "--position", "offset:-2", "-o", out.toString());
    assertEquals(SteerCli.OK, r.exit(), r.err());
    HookPoint at = HookPoint.residMid(0);
    SteeringVector expected =
        model.extract(POSITIVES, NEGATIVES, at, ExtractionMethod.PCA, TokenPosition.offset(-2));
    assertArrayEquals(expected.toArray(), SafetensorsVectors.read(out).get(at).orElseThrow().toArray());
  }

  @Test
  void extractToAnUnknownExtensionIsAUsageErrorNamingTheFile() {
    Run r = run("extract", "-m", modelDir.toString(), "--pos", pos.toString(), "--neg", neg.toString(),
        "--layer", "1", "-o", root.resolve("vec.bin").toString());
    assertUsageError(r, "vec.bin");
  }

  @Test
  void extractAtALayerTheModelLacksIsAUsageError() {
    Run r = run("extract", "-m", modelDir.toString(), "--pos", pos.toString(), "--neg", neg.toString(),
        "--layer", "7", "-o", root.resolve("v.gguf").toString());
    assertUsageError(r, "blocks.7.hook_resid_post");
  }

  @Test
  void generateStreamsTheSteeredTextTheModelProduces() {
    Run r = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "6",
        "--prompt", "w3 w14", "--max-tokens", "6");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    String expected = model.generate("w3 w14", SteeringPlan.of(LAYER1, Additive.of(extract(LAYER1), 6)),
        GenerationConfig.greedy(6)).text();
    assertTrue(r.out().contains("> w3 w14" + System.lineSeparator() + expected + System.lineSeparator()),
        r.out() + " / " + expected);
    assertTrue(r.out().contains("== steered"), r.out());
  }

  @Test
  void generateWithCompareAlsoPrintsTheUnsteeredText() {
    Run r = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "6",
        "--prompt", "w3 w14", "--max-tokens", "6", "--compare");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    String unsteered = model.generate("w3 w14", SteeringPlan.empty(), GenerationConfig.greedy(6)).text();
    String afterHeader = r.out().substring(r.out().indexOf("== unsteered"));
    assertTrue(afterHeader.contains("> w3 w14" + System.lineSeparator() + unsteered + System.lineSeparator()),
        r.out());
  }

  @Test
  void angularRotationFitsItsPlaneToAMultiLayerFile() {
    Run r = run("generate", "-m", modelDir.toString(), "--vector", twoLayers.toString(), "--kind", "angular",
        "--angle", "90", "--prompt", "w3 w14", "--max-tokens", "3");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    assertTrue(r.out().contains("angular"), r.out());
  }

  @Test
  void aRotationWithoutAPlaneIsAUsageErrorSayingHowToGiveOne() {
    Run r = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--kind", "plane",
        "--angle", "30", "--prompt", "w3");
    assertUsageError(r, "--vector2");
  }

  @Test
  void steeringOptionsThatWouldBeIgnoredAreUsageErrors() {
    Run noVector = run("generate", "-m", modelDir.toString(), "--kind", "angular", "--layer", "1", "--prompt", "w3");
    assertUsageError(noVector, "give --vector FILE");
    Run secondFile = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "2",
        "--vector2", root.resolve("absent.gguf").toString(), "--prompt", "w3");
    assertUsageError(secondFile, "--vector2 are for the rotations");
    Run alphaForRotation = run("generate", "-m", modelDir.toString(), "--vector", twoLayers.toString(),
        "--kind", "angular", "--alpha", "2", "--prompt", "w3");
    assertEquals(SteerCli.USAGE_ERROR, alphaForRotation.exit(), alphaForRotation.err());
    Run negativeLayer = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "2",
        "--layer", "-3", "--prompt", "w3");
    assertUsageError(negativeLayer, "--layer must be a block index >= 0");
  }

  @Test
  void everySubcommandPrintsTheVersion() {
    for (String command : List.of("inspect", "extract", "generate", "score", "sweep", "demo")) {
      Run r = run(command, "-V");
      assertEquals(SteerCli.OK, r.exit(), command + ": " + r.err());
      assertTrue(r.out().startsWith("steer "), command + ": '" + r.out() + "'");
    }
  }

  @Test
  void sweepOffersOnlyItsPluralStrengthAndLayerOptions() {
    Run help = run("sweep", "--help");
    assertTrue(help.out().contains("--alphas") && help.out().contains("--layers"), help.out());
    for (String single : List.of("--alpha=", "--layer=", "--angle=")) {
      assertTrue(!help.out().contains(single), single + " in:\n" + help.out());
    }
    Run r = run("sweep", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "2",
        "--prompts", prompts.toString(), "-o", root.resolve("never.csv").toString());
    assertEquals(SteerCli.USAGE_ERROR, r.exit(), r.err());
  }

  @Test
  void aSweepThatFailsValidationLeavesAnExistingOutputAlone() throws IOException {
    Path csv = Files.writeString(root.resolve("kept.csv"), "an earlier result\n");
    Run r = run("sweep", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alphas", "0,4",
        "--layers", "1,9", "--prompts", prompts.toString(), "--max-tokens", "3", "-o", csv.toString());
    assertEquals(SteerCli.USAGE_ERROR, r.exit(), r.err());
    assertEquals("an earlier result\n", Files.readString(csv));
  }

  @Test
  void aMissingModelDirectoryIsALoadErrorNamingThePath() {
    Path missing = root.resolve("no-such-model");
    Run r = run("inspect", "--model", missing.toString());
    assertEquals(SteerCli.LOAD_ERROR, r.exit(), r.err());
    assertTrue(r.err().contains(missing.toString()), r.err());
  }

  @Test
  void aMissingPromptFileIsALoadErrorNamingIt() {
    Path missing = root.resolve("nothing.txt");
    Run r = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "1",
        "--prompts", missing.toString());
    assertEquals(SteerCli.LOAD_ERROR, r.exit(), r.err());
    assertTrue(r.err().contains(missing.toString()), r.err());
  }

  @Test
  void aCorruptVectorFileIsALoadErrorNamingIt() throws IOException {
    Path bad = Files.writeString(root.resolve("bad.gguf"), "GGUF but not really");
    Run r = run("generate", "-m", modelDir.toString(), "--vector", bad.toString(), "--alpha", "1", "-p", "w1");
    assertEquals(SteerCli.LOAD_ERROR, r.exit(), r.err());
    assertTrue(r.err().contains(bad.toString()), r.err());
  }

  @Test
  void anUnwritableOutputIsARuntimeFailureNamingTheFile() {
    Path out = root.resolve("no-such-dir").resolve("v.gguf");
    Run r = run("extract", "-m", modelDir.toString(), "--pos", pos.toString(), "--neg", neg.toString(),
        "--layer", "1", "-o", out.toString());
    assertEquals(SteerCli.RUNTIME_FAILURE, r.exit(), r.err());
    assertTrue(r.err().contains(out.toString()), r.err());
  }

  @Test
  void noCommandIsAUsageErrorListingTheCommands() {
    Run r = run();
    assertUsageError(r, "inspect, extract, generate, score, sweep");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Run r = run("inspect", "--model", modelDir.toString(), "--frobnicate");
    assertUsageError(r, "--frobnicate");
  }

  @Test
  void aMalformedScopeIsAUsageErrorNamingTheValue() {
    Run r = run("generate", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "1",
        "--scope", "sometimes", "-p", "w1");
    assertUsageError(r, "sometimes");
  }

  @Test
  void everyCommandsHelpListsTheExitCodes() {
    for (String command : List.of("inspect", "extract", "generate", "score", "sweep")) {
      Run r = run(command, "--help");
      assertEquals(SteerCli.OK, r.exit(), command);
      assertTrue(r.out().contains("Exit codes:"), command + ": " + r.out());
      assertTrue(r.out().contains("model or file load error"), command + ": " + r.out());
    }
  }

  @Test
  void scoreAtStrengthZeroShowsNoShift() {
    Run r = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "0",
        "--prompts", prompts.toString(), "--max-tokens", "4", "--json");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(PROMPTS.size(), o.getAsJsonArray("prompts").size());
    JsonObject mean = o.getAsJsonObject("mean");
    assertEquals(1.0, mean.get("nbf").getAsDouble(), 1e-9);
    assertEquals(0.0, mean.get("kl").getAsDouble(), 1e-9);
    assertEquals(0.0, mean.get("js").getAsDouble(), 1e-9);
  }

  @Test
  void scoreReportsTheDivergencesAndBranchingFactorsOfTheComparedGeneration() {
    Run r = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "8",
        "--prompts", prompts.toString(), "--max-tokens", "4", "--json");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    JsonObject first = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("prompts").get(0)
        .getAsJsonObject();
    ComparedGeneration g = model.generateCompared(PROMPTS.get(0),
        SteeringPlan.of(LAYER1, Additive.of(extract(LAYER1), 8)), GenerationConfig.greedy(4), Set.of());
    double kl = 0;
    double bfSteered = 0;
    double bfUnsteered = 0;
    for (int t = 0; t < g.steps(); t++) {
      kl += DistributionShift.kl(g.steeredLogits().get(t), g.unsteeredLogits().get(t)) / g.steps();
      bfSteered += Math.exp(entropy(g.steeredLogits().get(t))) / g.steps();
      bfUnsteered += Math.exp(entropy(g.unsteeredLogits().get(t))) / g.steps();
    }
    assertEquals(g.steps(), first.get("steps").getAsInt());
    assertEquals(kl, first.get("kl").getAsDouble(), 1e-9);
    assertTrue(kl > 0, "alpha 8 should move the distributions");
    // the vocabulary (44) is below the top-k of 1000, so BF is the plain exp-entropy
    assertEquals(bfSteered / bfUnsteered, first.get("nbf").getAsDouble(), 1e-9);
    assertEquals(g.steered().text(), first.get("text").getAsString());
  }

  @Test
  void scoreReportsTheLikelihoodEffectOfContrastiveCompletions() throws Exception {
    Path contrasts = root.resolve("contrasts.tsv");
    java.nio.file.Files.writeString(contrasts, "w3 w14\tw1 w2\tw8 w2\nw9 w26\tw1 w4\tw8 w4\n");
    Run r = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "8",
        "--prompts", prompts.toString(), "--max-tokens", "2", "--contrasts", contrasts.toString(), "--json");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    double expected = dev.steer.metrics.run.LikelihoodProbe.meanEffectSize(model, List.of(
            new dev.steer.metrics.run.LikelihoodProbe.Contrast("w3 w14", " w1 w2", " w8 w2"),
            new dev.steer.metrics.run.LikelihoodProbe.Contrast("w9 w26", " w1 w4", " w8 w4")),
        SteeringPlan.of(LAYER1, Additive.of(extract(LAYER1), 8)));
    assertEquals(expected, JsonParser.parseString(r.out()).getAsJsonObject().get("likelihoodEffect").getAsDouble(),
        1e-9);
    java.nio.file.Files.writeString(contrasts, "only two\tfields\n");
    Run bad = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "8",
        "--prompts", prompts.toString(), "--contrasts", contrasts.toString());
    assertEquals(3, bad.exit(), bad.err());
    assertTrue(bad.err().contains("line 1 has 2 tab-separated fields"), bad.err());
  }

  /** Entropy of softmax(logits) in nats, computed directly in double precision. */
  private static double entropy(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double z = 0;
    for (float x : logits) {
      z += Math.exp(x - max);
    }
    double h = 0;
    for (float x : logits) {
      double p = Math.exp(x - max) / z;
      h -= p * Math.log(p);
    }
    return h;
  }

  @Test
  void scoreTableHasARowPerPromptAndAMeanRow() {
    Run r = run("score", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alpha", "8",
        "--prompts", prompts.toString(), "--max-tokens", "4");
    assertEquals(SteerCli.OK, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(PROMPTS.size() + 2, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("prompt"), r.out());
    assertTrue(lines.get(lines.size() - 1).startsWith("mean"), r.out());
    double kl = Double.parseDouble(lines.get(lines.size() - 1).trim().split("\\s+")[2]);
    assertTrue(kl > 0, r.out());
  }

  @Test
  void sweepWritesOneCsvRowPerRunAndAnSvgChart() throws Exception {
    Path csv = root.resolve("sweep.csv");
    Run r = run("sweep", "-m", modelDir.toString(), "--vector", gguf.toString(), "--alphas", "0,4",
        "--layers", "0,1", "--prompts", prompts.toString(), "--max-tokens", "3", "-o", csv.toString());
    assertEquals(SteerCli.OK, r.exit(), r.err());
    List<String> rows = Files.readAllLines(csv);
    assertEquals(SweepCommand.CSV_HEADER, rows.get(0));
    assertEquals(1 + 2 * 2 * PROMPTS.size(), rows.size());
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",", 6);
      if (Double.parseDouble(f[1]) == 0) {
        assertEquals(0.0, Double.parseDouble(f[4]), 1e-9, row);
      }
    }
    Path svg = root.resolve("sweep.svg");
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
    assertEquals(2, doc.getElementsByTagName("polyline").getLength());
    assertTrue(r.err().contains("8/8"), r.err());
  }
}
