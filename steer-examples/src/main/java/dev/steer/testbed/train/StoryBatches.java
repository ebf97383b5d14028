package dev.steer.testbed.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.testbed.Story;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns stories into model inputs: a story is {@code <bos> words… <eos>} with ids = indices in the
 * grammar's vocabulary, and a window of length T holds one story from its start (the entropy floor
 * assumes the model sees every story from {@code <bos>}), padded with {@code <pad>}. Immutable.
 */
final class StoryBatches {

  static final String PAD = "<pad>";
  static final String BOS = "<bos>";
  static final String EOS = "<eos>";

  private final List<String> vocabulary;
  private final Map<String, Integer> ids = new HashMap<>();
  private final int contextLength;

  /** A batcher for windows of {@code contextLength} tokens over {@code vocabulary}. */
  StoryBatches(List<String> vocabulary, int contextLength) {
    this.vocabulary = List.copyOf(vocabulary);
    for (int i = 0; i < vocabulary.size(); i++) {
      ids.put(vocabulary.get(i), i);
    }
    checkArgument(
        ids.containsKey(PAD) && ids.containsKey(BOS) && ids.containsKey(EOS),
        "vocabulary must hold %s, %s and %s",
        PAD,
        BOS,
        EOS);
    this.contextLength = contextLength;
  }

  int id(String token) {
    Integer id = ids.get(token);
    checkArgument(id != null, "token '%s' is not in the vocabulary", token);
    return id;
  }

  String token(int id) {
    return vocabulary.get(id);
  }

  /** {@code <bos>}, the story's words, {@code <eos>}. */
  int[] encode(Story story) {
    List<String> words = story.words();
    int[] out = new int[words.size() + 2];
    out[0] = id(BOS);
    for (int i = 0; i < words.size(); i++) {
      out[i + 1] = id(words.get(i));
    }
    out[out.length - 1] = id(EOS);
    return out;
  }

  /** One batch: inputs [B, T], one-hot targets [B·T, V] and the number of predicted tokens. */
  record Batch(INDArray tokens, INDArray targets, int predicted) {}

  /**
   * Window b reads encoded story b without its last token ({@code <eos>}) and predicts every token
   * after {@code <bos>}, {@code <eos>} included; positions past the story predict nothing.
   *
   * @throws IllegalArgumentException if a story needs more than T input positions
   */
  Batch batch(List<int[]> encoded) {
    int t = contextLength;
    int v = vocabulary.size();
    int[][] tokens = new int[encoded.size()][t];
    float[] targets = new float[encoded.size() * t * v];
    int predicted = 0;
    int pad = id(PAD);
    for (int b = 0; b < encoded.size(); b++) {
      int[] story = encoded.get(b);
      int inputs = story.length - 1;
      checkArgument(
          inputs <= t, "story of %s tokens needs %s positions, window has %s", story.length, inputs, t);
      java.util.Arrays.fill(tokens[b], pad);
      System.arraycopy(story, 0, tokens[b], 0, inputs);
      for (int p = 0; p < inputs; p++) {
        targets[(b * t + p) * v + story[p + 1]] = 1;
      }
      predicted += inputs;
    }
    return new Batch(
        Nd4j.createFromArray(tokens),
        Nd4j.create(targets, new long[] {(long) encoded.size() * t, v}, 'c'),
        predicted);
  }
}
