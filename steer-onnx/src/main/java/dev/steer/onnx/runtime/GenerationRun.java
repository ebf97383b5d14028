package dev.steer.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.generate.Sampler;
import dev.steer.onnx.generate.TokenListener;
import dev.steer.plan.SteeringPlan;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One batched decoding loop: left-padded prefill, then one position per step with the KV cache (or full
 * recomputation when the graph takes no past), sampling each row independently. Rows may be <i>tied</i>:
 * a tied row is fed the tokens its leader samples, which is how a steered row and its unsteered replay
 * share one batched forward pass. Not thread-safe; one run per call.
 */
final class GenerationRun {

  /** What one row produced: the public generation plus optional per-step traces. */
  record RowResult(Generation generation, List<float[]> logits, List<Map<HookPoint, float[]>> activations) {}

  private final OrtEnvironment env;
  private final CompiledDecoder decoder;
  private final Function<int[], String> decode;
  private final ModelConfig config;
  private final GenerationConfig gen;
  private final int hidden;

  GenerationRun(OrtEnvironment env, CompiledDecoder decoder, Function<int[], String> decode, ModelConfig config,
      GenerationConfig gen, int hidden) {
    this.env = env;
    this.decoder = decoder;
    this.decode = decode;
    this.config = config;
    this.gen = gen;
    this.hidden = hidden;
  }

  /**
   * Generates for every row.
   *
   * @param prompts prompt texts (for the results)
   * @param promptIds their token ids
   * @param plans one plan per row, all of the decoder's shape
   * @param tiedTo for each row, −1 or the row whose sampled tokens it is fed
   * @param muted rows that run with every steering mask at 0
   * @param keepLogits record every step's logits per row
   * @param listener streaming callback (leaders only)
   */
  List<RowResult> run(List<String> prompts, List<int[]> promptIds, List<SteeringPlan> plans, int[] tiedTo,
      boolean[] muted, boolean keepLogits, TokenListener listener) throws OrtException {
    int batch = promptIds.size();
    int[] promptLen = new int[batch];
    int maxPrompt = 0;
    for (int r = 0; r < batch; r++) {
      promptLen[r] = promptIds.get(r).length;
      maxPrompt = Math.max(maxPrompt, promptLen[r]);
    }
    int[] pad = new int[batch];
    for (int r = 0; r < batch; r++) {
      pad[r] = maxPrompt - promptLen[r];
    }
    int maxNew = gen.maxNewTokens();
    int capacity = maxPrompt + maxNew;
    long padId = config.padTokenId() >= 0 ? config.padTokenId()
        : config.eosTokenIds().stream().findFirst().orElse(0);
    // Whole token history per row, left-padded: column c of row r.
    long[][] seq = new long[batch][capacity];
    long[][] attention = new long[batch][capacity];
    for (int r = 0; r < batch; r++) {
      Arrays.fill(seq[r], 0, pad[r], padId);
      for (int i = 0; i < promptLen[r]; i++) {
        seq[r][pad[r] + i] = promptIds.get(r)[i];
        attention[r][pad[r] + i] = 1;
      }
    }
    Set<Integer> stops = new HashSet<>(config.eosTokenIds());
    stops.addAll(gen.stopTokenIds());
    Sampler[] samplers = new Sampler[batch];
    int[][] history = new int[batch][capacity];
    int[] historyLen = new int[batch];
    for (int r = 0; r < batch; r++) {
      samplers[r] = new Sampler(gen);
      System.arraycopy(promptIds.get(r), 0, history[r], 0, promptLen[r]);
      historyLen[r] = promptLen[r];
    }
    List<List<Integer>> generated = new ArrayList<>();
    List<List<float[]>> logitsTrace = new ArrayList<>();
    List<List<Map<HookPoint, float[]>>> actTrace = new ArrayList<>();
    String[] text = new String[batch];
    String[] streamed = new String[batch]; // what the listener has been given: a prefix of text
    Generation.StopReason[] reason = new Generation.StopReason[batch];
    for (int r = 0; r < batch; r++) {
      generated.add(new ArrayList<>());
      logitsTrace.add(new ArrayList<>());
      actTrace.add(new ArrayList<>());
      text[r] = "";
      streamed[r] = "";
    }
    // Decoding the whole text after every token costs O(length) per row and step; only stop strings and
    // streaming need it, otherwise the text is decoded once at the end (same result).
    boolean textPerStep = !gen.stopStrings().isEmpty() || listener != TokenListener.NONE;
    Set<String> captureNames = new HashSet<>();
    decoder.captures.forEach(h -> captureNames.add(h.name()));

    OrtSession.Result previous = null;
    Map<String, OnnxTensor> emptyPast = decoder.usesCache() ? decoder.emptyPast(batch) : Map.of();
    try (SteeringFeeds feeds = SteeringFeeds.create(env, decoder.layout, plans, muted, hidden)) {
      int done = 0; // columns already in the KV cache
      int length = maxPrompt; // columns holding tokens
      for (int step = 0; step < maxNew; step++) {
        int from = decoder.usesCache() ? done : 0;
        int width = length - from;
        long[] ids = new long[batch * width];
        long[] att = new long[batch * length];
        long[] pos = new long[batch * width];
        int[] firstPosition = new int[batch];
        int[] windowPad = new int[batch];
        for (int r = 0; r < batch; r++) {
          System.arraycopy(seq[r], from, ids, r * width, width);
          System.arraycopy(attention[r], 0, att, r * length, length);
          for (int c = 0; c < width; c++) {
            int absolute = from + c - pad[r];
            pos[r * width + c] = absolute >= 0 ? absolute : 1;
          }
          windowPad[r] = Math.max(0, pad[r] - from);
          firstPosition[r] = Math.max(0, from - pad[r]);
        }
        Map<String, OnnxTensor> past = previous == null ? emptyPast : decoder.presentsAsPast(previous);
        Map<String, OnnxTensor> steering = new HashMap<>(feeds.parameters());
        Map<String, OnnxTensor> masks = feeds.masks(env, width, firstPosition, windowPad, promptLen);
        OrtSession.Result result;
        try {
          steering.putAll(masks);
          result = decoder.run(ids, att, pos, batch, width, decoder.usesCache() ? past : Map.of(), steering,
              captureNames);
        } finally {
          masks.values().forEach(OnnxTensor::close);
        }
        if (previous != null) {
          previous.close();
        }
        previous = result;
        done = length;

        float[][] last = lastColumn(decoder.logits(result), batch, width);
        Map<HookPoint, float[][]> acts = new HashMap<>();
        for (HookPoint h : decoder.captures) {
          acts.put(h, lastColumn((OnnxTensor) result.get(h.name()).orElseThrow(), batch, width));
        }
        int[] next = new int[batch];
        Arrays.fill(next, (int) padId); // what finished rows feed
        for (int r = 0; r < batch; r++) {
          if (reason[r] != null) {
            // a finished row only pads while the others go on; its trace ends with its last token
            continue;
          }
          if (keepLogits) {
            logitsTrace.get(r).add(last[r]);
          }
          if (!acts.isEmpty()) {
            Map<HookPoint, float[]> m = new HashMap<>();
            for (Map.Entry<HookPoint, float[][]> e : acts.entrySet()) {
              m.put(e.getKey(), e.getValue()[r]);
            }
            actTrace.get(r).add(m);
          }
          if (tiedTo[r] < 0) {
            next[r] = samplers[r].next(last[r], history[r], historyLen[r]);
          }
        }
        boolean allDone = true;
        for (int r = 0; r < batch; r++) {
          int leader = tiedTo[r] < 0 ? r : tiedTo[r];
          int token = next[leader];
          seq[r][length] = token;
          attention[r][length] = 1;
          if (reason[r] == null) {
            history[r][historyLen[r]++] = token;
            generated.get(r).add(token);
            reason[r] = stopAfter(r, token, stops, generated.get(r), text, streamed, listener, tiedTo[r] < 0,
                textPerStep);
          }
          allDone &= reason[r] != null;
        }
        length++;
        if (allDone) {
          break;
        }
      }
    } finally {
      if (previous != null) {
        previous.close();
      }
      emptyPast.values().forEach(OnnxTensor::close);
    }
    List<RowResult> out = new ArrayList<>();
    for (int r = 0; r < batch; r++) {
      int[] toks = generated.get(r).stream().mapToInt(Integer::intValue).toArray();
      if (!textPerStep) {
        int kept = reason[r] == Generation.StopReason.STOP_TOKEN ? toks.length - 1 : toks.length;
        text[r] = kept == 0 ? "" : decode.apply(Arrays.copyOf(toks, kept));
      }
      Generation g = new Generation(prompts.get(r), promptIds.get(r), toks, text[r],
          reason[r] == null ? Generation.StopReason.MAX_TOKENS : reason[r],
          keepLogits ? logitsTrace.get(r) : List.of());
      out.add(new RowResult(g, logitsTrace.get(r), actTrace.get(r)));
    }
    return out;
  }

  /**
   * Tells whether the row must stop after {@code token} and, when {@code textPerStep}, updates its text
   * and streams what is safe to show: text that a later token cannot change. Until the row ends, a
   * trailing U+FFFD (a character whose bytes are still arriving) and a tail that could begin a stop
   * string are held back; the row's last token releases the rest, so the pieces join to the final text.
   */
  private Generation.StopReason stopAfter(int row, int token, Set<Integer> stops, List<Integer> tokens,
      String[] text, String[] streamed, TokenListener listener, boolean leader, boolean textPerStep) {
    Generation.StopReason reason = null;
    String show;
    if (stops.contains(token)) {
      reason = Generation.StopReason.STOP_TOKEN;
      show = text[row]; // the stop token adds no text
    } else if (!textPerStep) {
      return null;
    } else {
      String full = decode.apply(tokens.stream().mapToInt(Integer::intValue).toArray());
      int stopAt = -1;
      for (String stop : gen.stopStrings()) {
        int at = full.indexOf(stop);
        if (at >= 0 && (stopAt < 0 || at < stopAt)) {
          stopAt = at;
        }
      }
      if (stopAt >= 0) {
        reason = Generation.StopReason.STOP_STRING;
        full = full.substring(0, stopAt);
      }
      text[row] = full;
      boolean last = reason != null || tokens.size() >= gen.maxNewTokens();
      show = last ? full : full.substring(0, full.length() - heldBack(full, gen.stopStrings()));
    }
    if (textPerStep) {
      String delta = "";
      if (show.startsWith(streamed[row])) {
        delta = show.substring(streamed[row].length());
        streamed[row] = show;
      }
      if (leader) {
        listener.onToken(row, token, delta);
      }
    } else if (leader) {
      listener.onToken(row, token, "");
    }
    return reason;
  }

  /**
   * How many trailing characters of {@code text} a later token may still change: a run of U+FFFD (bytes
   * of an unfinished character) or the longest ending that is the start of a stop string.
   */
  static int heldBack(String text, List<String> stopStrings) {
    int replacement = 0;
    while (replacement < text.length() && text.charAt(text.length() - 1 - replacement) == '\uFFFD') {
      replacement++;
    }
    int stopPrefix = 0;
    for (String stop : stopStrings) {
      for (int n = Math.min(stop.length() - 1, text.length()); n > stopPrefix; n--) {
        if (text.endsWith(stop.substring(0, n))) {
          stopPrefix = n;
          break;
        }
      }
    }
    return Math.max(replacement, stopPrefix);
  }

  /** Copies [batch, width, n] → the last column's rows [batch][n]. */
  static float[][] lastColumn(OnnxTensor t, int batch, int width) {
    long[] shape = t.getInfo().getShape();
    int n = (int) shape[shape.length - 1];
    FloatBuffer fb = t.getFloatBuffer();
    float[][] out = new float[batch][n];
    for (int r = 0; r < batch; r++) {
      fb.position((r * width + width - 1) * n);
      fb.get(out[r], 0, n);
    }
    return out;
  }
}
