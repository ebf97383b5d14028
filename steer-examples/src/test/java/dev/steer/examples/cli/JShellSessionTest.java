package dev.steer.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.SlerpTowards;
import dev.steer.metrics.distribution.DistributionShift;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.testbed.Concept;
import dev.steer.testbed.ConceptVectors;
import dev.steer.testbed.ContrastivePrompts;
import dev.steer.testbed.Testbed;
import dev.steer.vector.SteeringVector;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented JShell session ({@code session.jsh}, 10 lines) run through the real {@code jshell} tool with
 * Steer's startup script on the shipped testbed: load it, extract a concept vector, steer, print the text,
 * the judge's concept score and a KL; the printed results must equal the same calls made here.
 */
class JShellSessionTest {
  private static final Path STARTUP = Path.of("src/main/jshell/steer.jsh");
  private static final long TIMEOUT_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void theDocumentedSessionPrintsWhatTheApiComputes() throws Exception {
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    assumeTrue(Files.isExecutable(jshell), "no jshell next to java.home: " + jshell);
    String session;
    try (InputStream in = getClass().getResourceAsStream("session.jsh")) {
      session = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(session.lines().filter(l -> !l.equals("/exit")).count() <= 10, session);
    Path script = Files.writeString(dir.resolve("session.jsh"), session);

    String output = runJShell(jshell, script);

    assertTrue(output.contains("Steer API imported"), output);
    try (OnnxSteerableModel m = Testbed.open()) {
      HookPoint layer = Testbed.steeringLayer(m);
      Concept red = Testbed.grammar().concept("red");
      SteeringVector v = ConceptVectors.extract(m, Testbed.grammar(), red,
          ContrastivePrompts.pairs(Testbed.grammar(), red, 32, 1), layer, ExtractionMethod.MEAN_DIFFERENCE).unit();
      ComparedGeneration g = m.generateCompared("once upon a time ,",
          SteeringPlan.of(layer, SlerpTowards.of(v, 0.2)), GenerationConfig.sampled(40, 1.0, 7), Set.of());
      double concept = Testbed.judge().score("once upon a time ,", g.steered().text(), red).conceptScore();
      double kl = DistributionShift.between(g.steeredLogits().get(0), g.unsteeredLogits().get(0)).kl();
      assertTrue(output.contains("steered: " + g.steered().text() + "\n"), output);
      assertTrue(output.contains("concept: " + concept + "\n"), output);
      String klLine = output.lines().filter(l -> l.startsWith("KL at step 0: ")).findFirst().orElseThrow();
      assertEquals(kl, Double.parseDouble(klLine.substring("KL at step 0: ".length())), 1e-6 * Math.max(1, kl));
      assertTrue(kl > 0, "steering should move the first distribution: " + kl);
    }
  }

  private String runJShell(Path jshell, Path script) throws IOException, InterruptedException {
    // Surefire runs tests from a manifest-only jar; the real class path is in this property.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    classPath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator + classPath;
    Path log = dir.resolve("jshell.log");
    ProcessBuilder pb = new ProcessBuilder(jshell.toString(),
        "-J-Djava.util.prefs.userRoot=" + dir.resolve("prefs"),
        "--startup", "DEFAULT", "--startup", STARTUP.toAbsolutePath().toString(), script.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(script.toFile()); // never a terminal: the script's /exit ends the session
    // In CLASSPATH rather than --class-path: ONNX Runtime 1.29 crashes initialising in a JVM whose command
    // line exceeds about 4 KB, and jshell would put the class path on its execution engine's command line.
    pb.environment().put("CLASSPATH", classPath);
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("jshell did not finish in " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertEquals(0, p.exitValue(), output);
    return output;
  }
}
