package dev.steer.onnx.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.reference.ReferenceDecoder.Result;
import dev.steer.onnx.reference.ReferenceDecoder.Steering;
import dev.steer.vector.SteeringVector;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReferenceDecoderTest {

  private static final int[] TOKENS = {1, 17, 5, 43, 42, 8};

  private static DecoderWeights weights(Architecture architecture) {
    DecoderConfig config =
        DecoderConfig.builder(architecture)
            .vocabSize(50)
            .hiddenSize(32)
            .numHeads(4)
            .numKvHeads(architecture == Architecture.GPT2 ? 4 : 2)
            .numLayers(2)
            .intermediateSize(64)
            .maxPositions(16)
            .build();
    return DecoderWeights.random(config, 3);
  }

  private static Additive randomAddition(int dimension, double alpha) {
    Random random = new Random(11);
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return Additive.of(SteeringVector.of(v), alpha);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void residualStreamIsTheSumOfTheBranchOutputs(Architecture architecture) {
    Result r = new ReferenceDecoder(weights(architecture)).forward(TOKENS);
    for (int layer = 0; layer < 2; layer++) {
      for (int t = 0; t < TOKENS.length; t++) {
        double[] pre = r.activation(HookPoint.residPre(layer))[t];
        double[] attn = r.activation(HookPoint.attnOut(layer))[t];
        double[] mid = r.activation(HookPoint.residMid(layer))[t];
        double[] mlp = r.activation(HookPoint.mlpOut(layer))[t];
        double[] post = r.activation(HookPoint.residPost(layer))[t];
        for (int i = 0; i < pre.length; i++) {
          assertEquals(pre[i] + attn[i], mid[i], 1e-12);
          assertEquals(mid[i] + mlp[i], post[i], 1e-12);
        }
      }
    }
    assertArrayEquals(
        r.activation(HookPoint.residPost(0))[4], r.activation(HookPoint.residPre(1))[4]);
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void steeringOnePositionLeavesEarlierPositionsUntouchedAndChangesLaterOnes(
      Architecture architecture) {
    ReferenceDecoder model = new ReferenceDecoder(weights(architecture));
    Result plain = model.forward(TOKENS);
    Steering atThree = new Steering(HookPoint.residPre(1), t -> t == 3, randomAddition(32, 2.0));
    Result steered = model.forward(TOKENS, List.of(atThree));
    for (int t = 0; t < 3; t++) {
      assertArrayEquals(plain.logits()[t], steered.logits()[t], 0.0);
    }
    for (int t = 3; t < TOKENS.length; t++) {
      assertFalse(Arrays.equals(plain.logits()[t], steered.logits()[t]), "position " + t);
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void addingToTheMlpOutputEqualsAddingToTheBlockOutput(Architecture architecture) {
    ReferenceDecoder model = new ReferenceDecoder(weights(architecture));
    Additive add = randomAddition(32, 0.5);
    Result viaMlp = model.forward(TOKENS, List.of(Steering.everywhere(HookPoint.mlpOut(0), add)));
    Result viaPost = model.forward(TOKENS, List.of(Steering.everywhere(HookPoint.residPost(0), add)));
    Result viaNextPre = model.forward(TOKENS, List.of(Steering.everywhere(HookPoint.residPre(1), add)));
    for (int t = 0; t < TOKENS.length; t++) {
      assertArrayEquals(viaPost.logits()[t], viaMlp.logits()[t], 1e-5);
      assertArrayEquals(viaPost.logits()[t], viaNextPre.logits()[t], 0.0);
    }
  }

  /** Final RMSNorm and untied head computed here by hand from the recorded, steered residual. */
  @Test
  void steeringTheLastResidualGivesTheLogitsOfTheNormedSteeredRow() {
    DecoderWeights w = weights(Architecture.LLAMA);
    Additive add = randomAddition(32, 3.0);
    Result r =
        new ReferenceDecoder(w)
            .forward(TOKENS, List.of(Steering.everywhere(HookPoint.residPost(1), add)));
    Result plain = new ReferenceDecoder(w).forward(TOKENS);
    float[] gain = w.get("model.norm.weight");
    float[] head = w.get("lm_head.weight");
    for (int t = 0; t < TOKENS.length; t++) {
      double[] h = plain.activation(HookPoint.residPost(1))[t];
      double[] steered = new double[32];
      double ms = 0;
      for (int i = 0; i < 32; i++) {
        steered[i] = (float) h[i] + 3.0 * add.vector().get(i);
        ms += steered[i] * steered[i] / 32;
      }
      for (int v = 0; v < 50; v++) {
        double logit = 0;
        for (int i = 0; i < 32; i++) {
          logit += head[v * 32 + i] * gain[i] * steered[i] / Math.sqrt(ms + 1e-6);
        }
        assertEquals(logit, r.logits()[t][v], 1e-5, "position " + t + " token " + v);
      }
    }
  }

  @Test
  void paddingPositionsAreInvisibleToRealTokens() {
    ReferenceDecoder model = new ReferenceDecoder(weights(Architecture.LLAMA));
    Result alone = model.forward(new int[] {1, 9, 4});
    Result padded =
        model.forward(
            new int[] {0, 0, 1, 9, 4},
            new int[] {1, 1, 0, 1, 2},
            new boolean[] {false, false, true, true, true},
            List.of());
    for (int t = 0; t < 3; t++) {
      assertArrayEquals(alone.logits()[t], padded.logits()[t + 2], 1e-12);
    }
  }
}
