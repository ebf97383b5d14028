package dev.steer.metrics.run;

import dev.steer.onnx.export.Architecture;
import dev.steer.onnx.export.DecoderConfig;
import dev.steer.onnx.export.DecoderExporter;
import dev.steer.onnx.export.DecoderWeights;
import dev.steer.onnx.export.WordLevelTokenizerJson;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.vector.SteeringVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small random-weight Llama-style decoder (3 layers, d = 64, 80 tokens) exported once per test JVM
 * with a word-level tokenizer "w0 … w75" (after steer-onnx's TinyModelDirs), opened on the CPU.
 */
final class TinyModels {
  static final int WORDS = 76;
  static final int D = 64;
  static final String PROMPT = "w3 w14 w15 w9 w26";

  private static OnnxSteerableModel llama;

  private TinyModels() {}

  static synchronized OnnxSteerableModel llama() {
    if (llama == null) {
      try {
        Path dir = Files.createTempDirectory("steer-metrics-tiny");
        dir.toFile().deleteOnExit();
        DecoderConfig config = DecoderConfig.builder(Architecture.LLAMA)
            .vocabSize(WORDS + 4)
            .hiddenSize(D)
            .numHeads(4)
            .maxPositions(48)
            .bosTokenId(1)
            .eosTokenId(2)
            .numLayers(3)
            .numKvHeads(2)
            .headDim(16)
            .intermediateSize(96)
            .build();
        DecoderExporter.export(config, DecoderWeights.random(config, 7), dir);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < WORDS; i++) {
          words.add("w" + i);
        }
        WordLevelTokenizerJson.of(words, true).writeTo(dir);
        llama = OnnxSteerableModel.open(dir);
        for (Path p : Files.list(dir).toList()) {
          p.toFile().deleteOnExit();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return llama;
  }

  static SteeringVector randomVector(long seed) {
    Random r = new Random(seed);
    float[] v = new float[D];
    for (int i = 0; i < D; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return SteeringVector.of(v);
  }

  static int[] concat(int[] a, int[] b) {
    int[] all = new int[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** Plain-Java reference: log-softmax in double. */
  static double[] logSoftmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - lse;
    }
    return out;
  }
}
