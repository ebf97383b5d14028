package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.testbed.Corpus;
import dev.steer.testbed.GrammarEntropy;
import dev.steer.testbed.Story;
import dev.steer.testbed.StoryGrammar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the testbed language model on the stories of {@link StoryGrammar#standard()} with SameDiff
 * automatic differentiation and Adam, deterministically from a seed, and writes its weights.
 *
 * <p>Usage: {@code TestbedTrainer <outDir> <seed> <steps> [batchSize=32] [peakLearningRate=3e-3]
 * [hiddenSize=64] [layers=4] [slidingWindow=0] [fullAttentionLayers] [earlyExits]}, the early exits as
 * {@code block:weight} pairs or {@code none} ({@link TrainingOptions#earlyExits}; default {@code
 * 1:0.5,2:0.5} at the standard 4 layers, none at other depths). Prints a progress line every 50 steps
 * (step, train loss, learning rate, gradient norm, elapsed seconds, steps per second) and the validation
 * cross-entropy every 250 steps; at the end writes {@code outDir/}{@value #WEIGHTS_FILE} (see {@link
 * TestbedWeights}), then reports the final validation cross-entropy against the grammar's entropy floor
 * and the fluency of 200 stories sampled at temperature 1 by {@link ReferenceDecoder}.
 *
 * <p>The loss is the mean cross-entropy (nats) over predicted tokens: every word and the closing {@code
 * <eos>}, never {@code <bos>} — the definition of {@link GrammarEntropy}'s floor. The logged train loss
 * and the validation cross-entropy are the model's own (its last block's); early exits add to the
 * gradient only.
 */
public final class TestbedTrainer {

  /** Name of the weights file written to the output directory. */
  public static final String WEIGHTS_FILE = "testbed-gpt2.weights";

  private static final int LOG_EVERY = 50;
  private static final int SAMPLED_STORIES = 200;

  private TestbedTrainer() {}

  /** Runs a training; see the class Javadoc. */
  public static void main(String[] args) throws IOException {
    if (args.length < 3 || args.length > 10) {
      System.err.println(
          "usage: TestbedTrainer <outDir> <seed> <steps> [batchSize=32] [peakLearningRate=3e-3]"
              + " [hiddenSize=64] [layers=4] [slidingWindow=0 (none)] [fullAttentionLayers=layers/2]"
              + " [earlyExits=1:0.5,2:0.5 at 4 layers, else none (block:weight pairs, or none)]");
      System.exit(2);
    }
    long start = System.nanoTime();
    Path out = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int steps = Integer.parseInt(args[2]);
    TrainingOptions defaults = TrainingOptions.defaults(seed, steps);
    int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : defaults.batchSize();
    double lr = args.length > 4 ? Double.parseDouble(args[4]) : defaults.peakLearningRate();
    int hidden = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    int layers = args.length > 6 ? Integer.parseInt(args[6]) : TestbedModelConfig.standard(1).numLayers();
    int window = args.length > 7 ? Integer.parseInt(args[7]) : 0;
    int fullLayers = window == 0 ? layers : args.length > 8 ? Integer.parseInt(args[8]) : layers / 2;
    // The standard exits name blocks of the standard depth; other depths get none unless given.
    Map<Integer, Double> exits = args.length > 9 ? parseEarlyExits(args[9])
        : layers == TestbedModelConfig.standard(1).numLayers() ? defaults.earlyExits() : Map.of();
    TestbedModelDefinition.checkEarlyExits(exits, layers);
    TrainingOptions options =
        new TrainingOptions(
            seed, steps, batchSize, lr, defaults.warmupSteps(), defaults.finalLearningRateFraction(),
            defaults.clipNorm(), Math.min(steps * batchSize, 150_000), defaults.validationStories(),
            defaults.evaluateEvery(), exits);
    StoryGrammar grammar = StoryGrammar.standard();
    int vocab = grammar.vocabulary().size();
    TestbedModelConfig standard = TestbedModelConfig.standard(vocab);
    TestbedModelConfig config =
        new TestbedModelConfig(
            vocab, hidden, layers, standard.numHeads(), 4 * hidden,
            standard.maxPositions(), standard.normEps(), window, fullLayers);
    double floor = GrammarEntropy.exact(grammar).natsPerToken();
    Consumer<String> log = line -> System.out.println(line);
    log.accept(String.format(Locale.ROOT, "config %s, %d parameters; %s", config,
        config.parameterCount(), options));
    log.accept(String.format(Locale.ROOT, "entropy floor %.5f nats/token, bar (floor x 1.15) %.5f",
        floor, floor * 1.15));

    Files.createDirectories(out);
    Path checkpoint = out.resolve(WEIGHTS_FILE + ".checkpoint");
    Result result = train(grammar, config, options, log, (step, weights) -> {
      try {
        weights.write(checkpoint);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    Path file = out.resolve(WEIGHTS_FILE);
    result.weights().write(file);
    double seconds = (System.nanoTime() - start) / 1e9;
    log.accept(String.format(Locale.ROOT,
        "final validation CE %.5f nats/token (floor %.5f, ratio %.4f) on %d stories; training %.1f s"
            + " (%.2f steps/s), total %.1f s; first CE <= %.4f at step %d (%.1f s); wrote %s",
        result.validationCrossEntropy(), floor, result.validationCrossEntropy() / floor,
        options.validationStories(), result.trainingSeconds(), steps / result.trainingSeconds(),
        seconds, floor * 1.15, result.firstStepUnderBar(), result.secondsToBar(), file));

    checkArgument(
        java.util.Arrays.equals(TestbedWeights.read(file).toBytes(), result.weights().toBytes()),
        "weights file %s does not read back to the trained weights",
        file);
    log.accept(String.format(Locale.ROOT,
        "max |logit| gap, SameDiff graph vs ReferenceDecoder on the written weights: %.3e",
        result.referenceLogitGap()));
    StoryBatches tokens = new StoryBatches(grammar.vocabulary(), config.maxPositions());
    SampleQuality.Report report =
        SampleQuality.sample(
            new ReferenceDecoder(result.weights()), tokens, grammar, SAMPLED_STORIES, 1.0, seed);
    log.accept(String.format(Locale.ROOT,
        "samples at T=1: %d stories, %d finished, %d parse as stories (%.1f%%), %d/%d sentences fluent"
            + " (%.1f%%)",
        report.stories(), report.finished(), report.parsed(), 100 * report.parsedShare(),
        report.fluentSentences(), report.sentences(), 100 * report.fluentShare()));
    report.examples().forEach(e -> log.accept("  sample: " + e));
  }

  /** {@code none}, or comma-separated {@code block:weight} pairs. */
  static Map<Integer, Double> parseEarlyExits(String text) {
    Map<Integer, Double> exits = new LinkedHashMap<>();
    if (text.equals("none")) {
      return exits;
    }
    for (String pair : text.split(",", -1)) {
      String[] parts = pair.split(":", -1);
      checkArgument(parts.length == 2, "an early exit is block:weight, got '%s'", pair);
      checkArgument(exits.put(Integer.parseInt(parts[0]), Double.parseDouble(parts[1])) == null,
          "block %s has two early exits", parts[0]);
    }
    return exits;
  }

  /**
   * The outcome of {@link #train}.
   *
   * @param weights the final weights
   * @param trainLosses the loss of every step's batch, in order
   * @param validationCrossEntropy the final mean cross-entropy over all validation stories
   * @param trainingSeconds wall time of the optimisation loop, evaluations included
   * @param firstStepUnderBar first evaluated step whose validation CE was at most 1.15 × the floor, or −1
   * @param secondsToBar wall time of the loop up to that evaluation, or −1
   * @param referenceLogitGap max |logit| difference between the trained SameDiff graph and {@link
   *     ReferenceDecoder} running the extracted {@code weights}, over four validation stories
   */
  record Result(
      TestbedWeights weights,
      List<Double> trainLosses,
      double validationCrossEntropy,
      double trainingSeconds,
      int firstStepUnderBar,
      double secondsToBar,
      double referenceLogitGap) {}

  /**
   * Trains {@code config} on a corpus of {@code grammar} drawn with {@code options.seed()}; everything
   * (corpus, initial weights, batch order) follows from the seed, so equal arguments give equal results.
   */
  static Result train(
      StoryGrammar grammar, TestbedModelConfig config, TrainingOptions options, Consumer<String> log) {
    return train(grammar, config, options, log, (step, weights) -> {});
  }

  /**
   * As {@link #train(StoryGrammar, TestbedModelConfig, TrainingOptions, Consumer)}, handing the weights
   * at every interim validation to {@code checkpoints} (so a run cut short still leaves its latest model).
   */
  static Result train(
      StoryGrammar grammar,
      TestbedModelConfig config,
      TrainingOptions options,
      Consumer<String> log,
      java.util.function.BiConsumer<Integer, TestbedWeights> checkpoints) {
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    Nd4j.getRandom().setSeed(options.seed());
    checkArgument(
        grammar.vocabulary().size() == config.vocabSize(),
        "config vocabSize %s != grammar vocabulary %s",
        config.vocabSize(),
        grammar.vocabulary().size());
    Corpus corpus =
        Corpus.generate(grammar, options.seed(), options.trainStories(), options.validationStories());
    int context = 1;
    for (Story s : corpus.train()) {
      context = Math.max(context, s.predictedTokens());
    }
    for (Story s : corpus.validation()) {
      context = Math.max(context, s.predictedTokens());
    }
    checkArgument(
        context <= config.maxPositions(),
        "stories need %s positions, model has %s",
        context,
        config.maxPositions());
    StoryBatches batches = new StoryBatches(grammar.vocabulary(), context);
    List<int[]> train = encode(batches, corpus.train());
    List<int[]> validation = encode(batches, corpus.validation());
    double floor = GrammarEntropy.exact(grammar).natsPerToken();

    TestbedModelDefinition model =
        TestbedModelDefinition.create(
            TestbedWeights.initial(config, options.seed()), context, options.earlyExits());
    Map<String, INDArray> parameters = new LinkedHashMap<>();
    model.parameterNames().forEach(n -> parameters.put(n, model.parameter(n)));
    AdamOptimizer adam = new AdamOptimizer(parameters, 0.9, 0.95, 1e-8);

    List<Double> losses = new ArrayList<>();
    int firstUnderBar = -1;
    double secondsToBar = -1;
    long loopStart = System.nanoTime();
    int next = 0;
    double windowLoss = 0;
    for (int step = 1; step <= options.steps(); step++) {
      List<int[]> stories = new ArrayList<>(options.batchSize());
      for (int j = 0; j < options.batchSize(); j++) {
        stories.add(train.get(next));
        next = (next + 1) % train.size();
      }
      StoryBatches.Batch batch = batches.batch(stories);
      OutAndGrad result = model.lossAndGradients(batch.tokens(), batch.targets());
      double loss = result.getOutputs().get(TestbedModelDefinition.LOSS).getDouble(0);
      double lr = options.learningRate(step);
      double norm = adam.step(result.getGradients(), lr, options.clipNorm());
      losses.add(loss);
      windowLoss += loss;
      double elapsed = (System.nanoTime() - loopStart) / 1e9;
      if (step % LOG_EVERY == 0 || step == options.steps()) {
        int window = step % LOG_EVERY == 0 ? LOG_EVERY : step % LOG_EVERY;
        log.accept(String.format(Locale.ROOT,
            "step %5d  train loss %.4f (mean of last %d %.4f)  lr %.2e  grad norm %.3f  %.1f s  %.2f steps/s",
            step, loss, window, windowLoss / window, lr, norm, elapsed, step / elapsed));
        windowLoss = 0;
      }
      boolean last = step == options.steps();
      if (options.evaluateEvery() > 0 && step % options.evaluateEvery() == 0 && !last) {
        // Interim checks use the first quarter of the validation set: cheaper, still ~30k tokens.
        List<int[]> subset = validation.subList(0, Math.max(1, validation.size() / 4));
        double ce = crossEntropy(model, batches, subset, options.batchSize());
        double now = (System.nanoTime() - loopStart) / 1e9;
        log.accept(String.format(Locale.ROOT,
            "step %5d  validation CE %.5f on %d stories (floor %.5f, ratio %.4f)  %.1f s",
            step, ce, subset.size(), floor, ce / floor, now));
        if (firstUnderBar < 0 && ce <= 1.15 * floor) {
          firstUnderBar = step;
          secondsToBar = now;
        }
        checkpoints.accept(step, model.weights());
      }
    }
    double ce = crossEntropy(model, batches, validation, options.batchSize());
    double seconds = (System.nanoTime() - loopStart) / 1e9;
    if (firstUnderBar < 0 && ce <= 1.15 * floor) {
      firstUnderBar = options.steps();
      secondsToBar = seconds;
    }
    TestbedWeights weights = model.weights();
    double gap = referenceLogitGap(model, weights, batches, validation.subList(0, Math.min(4, validation.size())));
    return new Result(weights, losses, ce, seconds, firstUnderBar, secondsToBar, gap);
  }

  /** Max |logit difference| between the SameDiff graph and the plain-Java decoder on {@code stories}. */
  static double referenceLogitGap(
      TestbedModelDefinition model, TestbedWeights weights, StoryBatches batches, List<int[]> stories) {
    INDArray logits = model.logits(batches.batch(stories).tokens());
    ReferenceDecoder reference = new ReferenceDecoder(weights);
    int t = model.contextLength();
    double gap = 0;
    for (int b = 0; b < stories.size(); b++) {
      int[] story = stories.get(b);
      double[][] expected = reference.logits(java.util.Arrays.copyOf(story, story.length - 1));
      for (int p = 0; p < expected.length; p++) {
        for (int v = 0; v < expected[p].length; v++) {
          gap = Math.max(gap, Math.abs(expected[p][v] - logits.getDouble((long) b * t + p, v)));
        }
      }
    }
    return gap;
  }

  /** Total log-loss over total predicted tokens of {@code stories}, in nats per token. */
  static double crossEntropy(
      TestbedModelDefinition model, StoryBatches batches, List<int[]> stories, int batchSize) {
    double total = 0;
    long predicted = 0;
    for (int from = 0; from < stories.size(); from += batchSize) {
      StoryBatches.Batch batch =
          batches.batch(stories.subList(from, Math.min(stories.size(), from + batchSize)));
      total += model.loss(batch.tokens(), batch.targets()) * batch.predicted();
      predicted += batch.predicted();
    }
    return total / predicted;
  }

  private static List<int[]> encode(StoryBatches batches, List<Story> stories) {
    List<int[]> out = new ArrayList<>(stories.size());
    for (Story s : stories) {
      out.add(batches.encode(s));
    }
    return out;
  }
}
