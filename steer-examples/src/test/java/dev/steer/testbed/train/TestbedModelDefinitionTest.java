package dev.steer.testbed.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TestbedModelDefinitionTest {

  /** Small but with every dimension distinct, so a transposed or mis-split tensor cannot line up. */
  private static final TestbedModelConfig SMALL = new TestbedModelConfig(23, 12, 2, 3, 20, 9, 1e-5);

  /** SMALL with its second block attending to the last 2 positions only. */
  private static final TestbedModelConfig SMALL_WINDOWED =
      new TestbedModelConfig(23, 12, 2, 3, 20, 9, 1e-5, 2, 1);

  @Test
  void sameDiffLogitsEqualTheReferenceDecoderOnRandomWeights() {
    assertSameDiffEqualsReference(SMALL);
  }

  @Test
  void withASlidingWindowSameDiffLogitsEqualTheReferenceDecoder() {
    assertSameDiffEqualsReference(SMALL_WINDOWED);
    TestbedWeights weights = TestbedWeights.random(SMALL, 5);
    int[] tokens = randomTokens(new Random(6), 1, 7)[0];
    double[] full = new ReferenceDecoder(weights).logits(tokens)[6];
    double[] windowed =
        new ReferenceDecoder(TestbedWeights.random(SMALL_WINDOWED, 5)).logits(tokens)[6];
    org.junit.jupiter.api.Assertions.assertFalse(
        java.util.Arrays.equals(full, windowed), "the window must change the last position's logits");
  }

  private static void assertSameDiffEqualsReference(TestbedModelConfig config) {
    TestbedWeights weights = TestbedWeights.random(config, 5);
    int t = 7;
    int[][] tokens = randomTokens(new Random(6), 3, t);
    TestbedModelDefinition model = TestbedModelDefinition.create(weights, t);
    INDArray logits = model.logits(Nd4j.createFromArray(tokens));
    ReferenceDecoder reference = new ReferenceDecoder(weights);
    double maxLogit = 0;
    for (int b = 0; b < tokens.length; b++) {
      double[][] expected = reference.logits(tokens[b]);
      for (int p = 0; p < t; p++) {
        for (int v = 0; v < config.vocabSize(); v++) {
          maxLogit = Math.max(maxLogit, Math.abs(expected[p][v]));
          assertEquals(expected[p][v], logits.getDouble(b * t + p, v), 1e-4, "b=" + b + " p=" + p);
        }
      }
    }
    // Random weights must give logits far from zero, or the comparison would prove nothing.
    org.junit.jupiter.api.Assertions.assertTrue(maxLogit > 1, "max |logit| " + maxLogit);
  }

  @Test
  void sameDiffLossIsTheMeanCrossEntropyOverScoredPositionsOnly() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 8);
    int t = 5;
    int[][] tokens = randomTokens(new Random(9), 2, t);
    float[][] targets = new float[2 * t][SMALL.vocabSize()];
    int[][] next = {{3, 4, 5, 0, 0}, {7, 8, 9, 10, 11}};
    int scored = 0;
    double expectedSum = 0;
    ReferenceDecoder reference = new ReferenceDecoder(weights);
    for (int b = 0; b < 2; b++) {
      double[][] logits = reference.logits(tokens[b]);
      int length = b == 0 ? 3 : 5;
      for (int p = 0; p < length; p++) {
        targets[b * t + p][next[b][p]] = 1;
        expectedSum -= LogSoftmax.at(logits[p], next[b][p]);
        scored++;
      }
    }
    TestbedModelDefinition model = TestbedModelDefinition.create(weights, t);
    double loss = model.loss(Nd4j.createFromArray(tokens), Nd4j.createFromArray(targets));
    assertEquals(expectedSum / scored, loss, 1e-5);
  }

  @Test
  void anEarlyExitAddsTheWeightedCrossEntropyOfTheTruncatedModel() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 11);
    int t = 6;
    int[][] tokens = randomTokens(new Random(12), 2, t);
    float[][] targets = randomTargets(new Random(13), 2 * t);
    // The exit after block 0 reads out exactly what a one-block model with the same weights computes.
    TestbedModelConfig oneBlock = new TestbedModelConfig(
        SMALL.vocabSize(), SMALL.hiddenSize(), 1, SMALL.numHeads(), SMALL.intermediateSize(),
        SMALL.maxPositions(), SMALL.normEps());
    java.util.Map<String, float[]> kept = new java.util.LinkedHashMap<>();
    for (String name : TestbedWeights.random(oneBlock, 1).names()) {
      kept.put(name, weights.get(name));
    }
    double full = meanCrossEntropy(new ReferenceDecoder(weights), tokens, targets);
    double exit = meanCrossEntropy(new ReferenceDecoder(TestbedWeights.of(oneBlock, kept)), tokens, targets);

    TestbedModelDefinition model = TestbedModelDefinition.create(weights, t, java.util.Map.of(0, 0.7));
    INDArray x = Nd4j.createFromArray(tokens);
    INDArray y = Nd4j.createFromArray(targets);
    assertEquals(full, model.loss(x, y), 1e-5, "the reported loss stays the final cross-entropy");
    assertEquals(full + 0.7 * exit, model.trainingLoss(x, y), 1e-5);
    org.junit.jupiter.api.Assertions.assertTrue(Math.abs(exit - full) > 1e-2, "exit and final must differ");
  }

  /** The gradient is that of the training loss, exits included: checked by central differences. */
  @Test
  void withAnEarlyExitTheGradientIsThatOfTheTrainingLoss() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 14);
    int t = 6;
    INDArray x = Nd4j.createFromArray(randomTokens(new Random(15), 2, t));
    float[][] targets = randomTargets(new Random(16), 2 * t);
    INDArray y = Nd4j.createFromArray(targets);
    String name = "transformer.h.0.mlp.c_fc.bias";
    TestbedModelDefinition withExit = TestbedModelDefinition.create(weights, t, java.util.Map.of(0, 2.0));
    TestbedModelDefinition without = TestbedModelDefinition.create(weights, t);
    double exitGradient = withExit.lossAndGradients(x, y).getGradients().get(name).getDouble(3);
    double plainGradient = without.lossAndGradients(x, y).getGradients().get(name).getDouble(3);

    INDArray live = withExit.parameter(name);
    double h = 1e-2;
    double at = live.getDouble(3);
    live.putScalar(3, at + h);
    double up = withExit.trainingLoss(x, y);
    live.putScalar(3, at - h);
    double down = withExit.trainingLoss(x, y);
    live.putScalar(3, at);
    double numeric = (up - down) / (2 * h);
    assertEquals(numeric, exitGradient, 0.05 * Math.abs(numeric) + 1e-4, "gradient of training_loss");
    org.junit.jupiter.api.Assertions.assertTrue(
        Math.abs(exitGradient - plainGradient) > 0.2 * Math.abs(numeric),
        "the exit must change the gradient: " + exitGradient + " vs " + plainGradient);
  }

  @Test
  void earlyExitsMustFollowABlockBeforeTheLastWithAPositiveWeight() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 1);
    for (java.util.Map<Integer, Double> exits :
        java.util.List.of(java.util.Map.of(1, 0.5), java.util.Map.of(-1, 0.5), java.util.Map.of(0, 0.0),
            java.util.Map.of(0, Double.NaN))) {
      assertThrows(IllegalArgumentException.class, () -> TestbedModelDefinition.create(weights, 4, exits),
          exits.toString());
    }
  }

  private static double meanCrossEntropy(ReferenceDecoder decoder, int[][] tokens, float[][] targets) {
    double sum = 0;
    int t = tokens[0].length;
    for (int b = 0; b < tokens.length; b++) {
      double[][] logits = decoder.logits(tokens[b]);
      for (int p = 0; p < t; p++) {
        for (int v = 0; v < targets[b * t + p].length; v++) {
          if (targets[b * t + p][v] == 1) {
            sum -= LogSoftmax.at(logits[p], v);
          }
        }
      }
    }
    return sum / (tokens.length * t);
  }

  @Test
  void variablesHoldTheWeightsTheyWereCreatedFrom() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 10);
    TestbedWeights back = TestbedModelDefinition.create(weights, 4).weights();
    for (String name : weights.names()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(weights.get(name), back.get(name), name);
    }
  }

  @Test
  void rejectsAContextLongerThanThePositionTable() {
    TestbedWeights weights = TestbedWeights.random(SMALL, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TestbedModelDefinition.create(weights, 10));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("contextLength"), e.getMessage());
  }

  /** One-hot rows, each with a random token to predict. */
  private static float[][] randomTargets(Random random, int rows) {
    float[][] targets = new float[rows][SMALL.vocabSize()];
    for (float[] row : targets) {
      row[random.nextInt(SMALL.vocabSize())] = 1;
    }
    return targets;
  }

  static int[][] randomTokens(Random random, int rows, int length) {
    int[][] tokens = new int[rows][length];
    for (int[] row : tokens) {
      for (int p = 0; p < length; p++) {
        row[p] = random.nextInt(SMALL.vocabSize());
      }
    }
    return tokens;
  }
}
