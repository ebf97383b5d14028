package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.steer.extract.ContrastiveActivations;
import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.extract.VectorExtractor;
import dev.steer.hook.HookPoint;
import dev.steer.hook.Site;
import dev.steer.onnx.Activations;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.generate.TokenListener;
import dev.steer.onnx.graph.ResidualStreamMap;
import dev.steer.onnx.tokenize.TextTokenizer;
import dev.steer.onnx.tokenize.TokenizerException;
import dev.steer.plan.ModelShape;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A decoder-only model exported to ONNX (Hugging Face Optimum layout, see {@link ModelDirectory}), steered
 * in-process through ONNX Runtime.
 *
 * <p>All three Optimum layouts load. On open the graph's residual stream is mapped structurally ({@link
 * ResidualStreamMap}); a split export maps both of its decoders, and a merged one is first split into its
 * with-past and no-past branches, each inlined into a standalone graph. The prefill of such an export runs
 * the no-past decoder and every later step the with-past decoder, both rewritten for the same plan (two
 * sessions per compiled plan shape). Each plan <i>shape</i> and capture set compiles once into a rewritten
 * graph whose steering values are graph inputs, so new vectors, strengths, angles or scopes reuse the cached
 * session; the unsteered model runs the graph with no edits inserted. The weights are loaded once per model
 * and shared by every session ({@link SharedInitializers}); a session adds its activations and ONNX
 * Runtime's pre-packed copies of the matrices it multiplies.
 *
 * <p>Thread safety: one instance may serve any number of threads; ONNX Runtime sessions are thread-safe
 * for {@code run} and every call keeps its own KV cache. Owns native sessions: {@link #close()} it, and do
 * not close it while calls are running.
 */
public final class OnnxSteerableModel implements SteerableModel {

  private record CacheKey(SteeringPlan.Shape shape, Set<HookPoint> captures) {}

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final ModelDirectory directory;
  private final Optional<TextTokenizer> tokenizer;
  private final List<String> warnings;
  private final ResidualStreamMap map;
  private final ModelShape shape;
  private final SessionFactory factory;
  private final SharedInitializers weights;
  private final Map<CacheKey, CompiledDecoder> sessions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private OnnxSteerableModel(ModelDirectory directory, Optional<TextTokenizer> tokenizer, ResidualStreamMap map,
      SessionFactory factory, SharedInitializers weights, List<String> warnings) {
    this.directory = directory;
    this.tokenizer = tokenizer;
    this.warnings = ImmutableList.copyOf(warnings);
    this.map = map;
    this.factory = factory;
    this.weights = weights;
    Set<Site> sites = EnumSet.noneOf(Site.class);
    map.hookPoints().forEach(h -> sites.add(h.site()));
    this.shape = new ModelShape(map.layers(), map.hiddenSize(), sites);
  }

  /** Opens a model directory on the CPU, in its full-precision variant where it has several. */
  public static OnnxSteerableModel open(Path directory) throws ModelLoadException {
    return open(directory, ExecutionDevice.cpu());
  }

  /** Opens a model directory on {@code device}, in its full-precision variant where it has several. */
  public static OnnxSteerableModel open(Path directory, ExecutionDevice device) throws ModelLoadException {
    return open(directory, device, Optional.empty());
  }

  /**
   * Opens a model directory (onnxruntime-genai, Optimum or transformers.js layout, see {@link
   * ModelDirectory}) on {@code device}.
   *
   * @param variant the precision variant of an Optimum/transformers.js folder ({@code model_fp16.onnx},
   *     {@code model_q4.onnx}, …); empty for full precision where present
   * @throws ModelLoadException naming the file and the problem: missing or corrupt files, a graph whose
   *     residual stream cannot be mapped, inputs Steer cannot fill, or an unavailable device
   */
  public static OnnxSteerableModel open(Path directory, ExecutionDevice device, Optional<ModelVariant> variant)
      throws ModelLoadException {
    checkNotNull(directory, "directory");
    checkNotNull(device, "device");
    checkNotNull(variant, "variant");
    return NativeStack.call(() -> load(directory, device, variant));
  }

  private static OnnxSteerableModel load(Path directory, ExecutionDevice device, Optional<ModelVariant> variant)
      throws ModelLoadException {
    ModelDirectory dir = ModelDirectory.open(directory, variant);
    DecoderGraphs graphs = DecoderGraphs.load(dir);
    ResidualStreamMap map = graphs.withPastMap();
    String configName = dir.format() == ModelDirectory.Format.GENAI ? "genai_config.json" : "config.json";
    if (map.layers() != dir.config().layers() || map.hiddenSize() != dir.config().hiddenSize()) {
      throw new ModelLoadException(dir.graph() + ": the graph has " + map.layers() + " blocks of width "
          + map.hiddenSize() + " but " + configName + " says " + dir.config().layers() + " and "
          + dir.config().hiddenSize());
    }
    List<String> warnings = new ArrayList<>();
    Optional<TextTokenizer> tok = Optional.empty();
    if (dir.tokenizer().isPresent()) {
      try {
        tok = Optional.of(TextTokenizer.open(dir.tokenizer().get()));
      } catch (TokenizerException e) {
        throw new ModelLoadException(e.getMessage(), e);
      }
      if (tok.get().vocabSize() > dir.config().vocabSize()) {
        // As some exporters ship it (a real tokenizer over a small test model): ids run the model; text
        // that encodes past the vocabulary is refused per call.
        warnings.add(dir.tokenizer().get() + " produces token ids up to " + (tok.get().vocabSize() - 1)
            + " but the model's vocabulary has " + dir.config().vocabSize() + " entries; text whose tokens"
            + " fall outside it is refused");
      }
    } else {
      warnings.add(directory + " has no tokenizer.json: the model runs from token ids only");
    }
    SharedInitializers weights;
    try {
      weights = SharedInitializers.load(OrtEnvironment.getEnvironment(), graphs);
    } catch (ModelLoadException | RuntimeException e) {
      tok.ifPresent(TextTokenizer::close);
      throw e;
    }
    SessionFactory factory = new SessionFactory(OrtEnvironment.getEnvironment(), weights, device, dir.config());
    OnnxSteerableModel model = new OnnxSteerableModel(dir, tok, map, factory, weights, warnings);
    try {
      model.decoder(SteeringPlan.empty().shape(), Set.of()); // fail now, not on first use
    } catch (InferenceException e) {
      model.close();
      throw new ModelLoadException(dir.graph() + ": ONNX Runtime cannot open it on " + device + ": "
          + e.getCause().getMessage(), e);
    } catch (RuntimeException e) { // e.g. the graph rewriter refusing the graph
      model.close();
      throw new ModelLoadException(dir.graph() + ": cannot be prepared for steering: " + e.getMessage(), e);
    }
    return model;
  }

  /**
   * What opening found worth knowing but not worth refusing: a tokenizer whose ids exceed the model's
   * vocabulary (as test models often ship), a folder without a tokenizer. Empty for a clean folder.
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The decoder graph's inputs and outputs as ONNX Runtime sees them ("in  input_ids" → "INT32[-1, -1]",
   * "out present_0" → "FLOAT[2, -1, 4, -1, 8]", …): the id types, cache form and dtypes that {@code steer
   * inspect} prints.
   */
  public Map<String, String> signature() {
    checkOpen();
    try {
      return decoder(SteeringPlan.empty().shape(), Set.of()).signature();
    } catch (OrtException e) {
      throw new InferenceException("cannot read the graph's inputs and outputs: " + e.getMessage(), e);
    }
  }

  /** Where the model came from: layout, variant, graph files and input/output names. */
  public ModelDirectory directory() {
    return directory;
  }

  /** The parsed {@code config.json} (or {@code genai_config.json}). */
  public ModelConfig config() {
    return directory.config();
  }

  /**
   * W_U, the unembedding that turns the final (normalised) hidden row into logits, as V rows of length
   * d, read from the graph's LM-head weight: a MatMul or Gemm initializer, or the token embedding table
   * where the head is tied through a Transpose; a final logit soft-cap after it is skipped. For the logit
   * lens (e.g. concept KL). Reads the graphs and the weight from disk on every call (V·d floats): keep
   * the result.
   *
   * @throws ModelLoadException if the graph's logits do not come from such a weight, or its data cannot
   *     be read
   */
  public float[][] unembedding() throws ModelLoadException {
    // the with-past decoder: for a merged export, its branch inlined into a standalone graph
    DecoderGraphs graphs = DecoderGraphs.load(directory);
    float[][] w = Unembeddings.read(graphs.withPast().getGraph(), graphs.weightsFolder());
    if (w.length != directory.config().vocabSize() || w[0].length != shape.hiddenSize()) {
      throw new ModelLoadException(directory.graph() + ": the LM head weight is " + w.length + " × " + w[0].length
          + " but the model has " + directory.config().vocabSize() + " tokens of width " + shape.hiddenSize());
    }
    return w;
  }

  /** Where each hook point lives in the graph (what {@code steer inspect} prints). */
  public ResidualStreamMap residualStream() {
    return map;
  }

  @Override
  public ModelShape shape() {
    return shape;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the model folder has no tokenizer
   */
  @Override
  public int[] encode(String text) {
    checkOpen();
    return tokenizer().encode(text);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the model folder has no tokenizer
   */
  @Override
  public String decode(int[] tokens) {
    checkOpen();
    return tokenizer().decode(tokens);
  }

  private TextTokenizer tokenizer() {
    return tokenizer.orElseThrow(() -> new IllegalStateException(directory.root() + " has no tokenizer.json, so"
        + " text cannot be encoded or decoded; use the entry points that take token ids"));
  }

  /** Text of {@code tokens}, or "" when the folder has no tokenizer (generation from ids still works). */
  private String textOf(int[] tokens) {
    return tokenizer.isPresent() ? tokenizer.get().decode(tokens) : "";
  }

  @Override
  public Generation generate(String prompt, SteeringPlan plan, GenerationConfig config, TokenListener listener) {
    checkNotNull(listener, "listener");
    return run(List.of(prompt), List.of(promptTokens(prompt)), List.of(plan), new int[] {-1}, new boolean[1],
        config, Set.of(), listener).get(0).generation();
  }

  /**
   * Generates from prompt token ids, as given (no special tokens are added), streaming to {@code listener}.
   * The result's prompt is the ids' text ("" without a tokenizer).
   */
  @Override
  public Generation generate(int[] promptIds, SteeringPlan plan, GenerationConfig config, TokenListener listener) {
    checkNotNull(listener, "listener");
    int[] ids = checkIds(promptIds);
    return run(List.of(textOf(ids)), List.of(ids), List.of(plan), new int[] {-1}, new boolean[1], config,
        Set.of(), listener).get(0).generation();
  }

  @Override
  public List<Generation> generateBatch(List<String> prompts, List<SteeringPlan> plans, GenerationConfig config) {
    checkArgument(prompts.size() == plans.size(), "%s prompts but %s plans; give one plan per prompt",
        prompts.size(), plans.size());
    checkArgument(!prompts.isEmpty(), "no prompts");
    int[] tied = new int[prompts.size()];
    java.util.Arrays.fill(tied, -1);
    List<int[]> ids = new ArrayList<>();
    for (String p : prompts) {
      ids.add(promptTokens(p));
    }
    return run(prompts, ids, plans, tied, new boolean[prompts.size()], config, Set.of(), TokenListener.NONE)
        .stream()
        .map(GenerationRun.RowResult::generation)
        .toList();
  }

  @Override
  public ComparedGeneration generateCompared(
      String prompt, SteeringPlan plan, GenerationConfig config, Set<HookPoint> captures) {
    // Row 1 replays row 0's tokens with every mask at 0: same shape, so one batched pass per step.
    int[] ids = promptTokens(prompt);
    List<GenerationRun.RowResult> rows = run(List.of(prompt, prompt), List.of(ids, ids), List.of(plan, plan),
        new int[] {-1, 0}, new boolean[] {false, true}, config.toBuilder().returnLogits(true).build(), captures,
        TokenListener.NONE);
    return new ComparedGeneration(rows.get(0).generation(), rows.get(0).logits(), rows.get(1).logits(),
        rows.get(0).activations(), rows.get(1).activations());
  }

  private List<GenerationRun.RowResult> run(List<String> prompts, List<int[]> ids, List<SteeringPlan> plans,
      int[] tiedTo, boolean[] muted, GenerationConfig config, Set<HookPoint> captures, TokenListener listener) {
    checkNotNull(config, "config");
    SteeringPlan.Shape planShape = checkPlans(plans);
    checkCaptures(captures);
    for (int r = 0; r < prompts.size(); r++) {
      int[] t = ids.get(r);
      checkContext(t.length, config.maxNewTokens());
      // the last generated token is never run through the model, so it cannot be steered
      plans.get(r).validateScopes(t.length, t.length + config.maxNewTokens() - 1);
    }
    CompiledDecoder decoder = decoder(planShape, captures);
    try {
      return new GenerationRun(env, decoder, this::textOf, directory.config(), config, shape.hiddenSize())
          .run(prompts, ids, plans, tiedTo, muted, config.returnLogits(), listener);
    } catch (OrtException e) {
      throw new InferenceException("generation failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Activations capture(String text, Collection<HookPoint> hookPoints, SteeringPlan plan) {
    return capture(promptTokens(text), hookPoints, plan);
  }

  /** Activations at {@code hookPoints} for every one of {@code tokens} (used as given), under {@code plan}. */
  @Override
  public Activations capture(int[] tokens, Collection<HookPoint> hookPoints, SteeringPlan plan) {
    checkNotNull(hookPoints, "hookPoints");
    checkArgument(!hookPoints.isEmpty(), "no hook points to capture");
    Set<HookPoint> captures = ImmutableSet.copyOf(hookPoints);
    checkCaptures(captures);
    tokens = checkIds(tokens);
    Forward f = forward(tokens, tokens.length, plan, captures, false);
    return new Activations(tokens, f.captures);
  }

  @Override
  public float[][] logits(int[] tokens, int promptLength, SteeringPlan plan) {
    tokens = checkIds(tokens);
    checkArgument(promptLength >= 1 && promptLength <= tokens.length,
        "promptLength %s must be in [1, %s]", promptLength, tokens.length);
    return forward(tokens, promptLength, plan, Set.of(), true).logits;
  }

  @Override
  public SteeringVector extract(List<String> positives, List<String> negatives, HookPoint hookPoint,
      ExtractionMethod method, TokenPosition position) {
    checkNotNull(hookPoint, "hookPoint");
    checkNotNull(method, "method");
    List<float[][]> pos = new ArrayList<>();
    List<float[][]> neg = new ArrayList<>();
    for (String p : positives) {
      pos.add(capture(p, List.of(hookPoint), SteeringPlan.empty()).at(hookPoint));
    }
    for (String n : negatives) {
      neg.add(capture(n, List.of(hookPoint), SteeringPlan.empty()).at(hookPoint));
    }
    SteeringVector v = VectorExtractor.extract(method, ContrastiveActivations.of(pos, neg), position);
    return v.withHookPoint(hookPoint)
        .withMetadata(v.metadata().withModelHint(directory.config().modelType()));
  }

  private record Forward(float[][] logits, TreeMap<HookPoint, float[][]> captures) {}

  /** One full forward pass over {@code tokens} (no cache), returning all logits and/or captures. */
  private Forward forward(
      int[] tokens, int promptLength, SteeringPlan plan, Set<HookPoint> captures, boolean wantLogits) {
    checkContext(tokens.length, 0);
    SteeringPlan.Shape planShape = checkPlans(List.of(plan));
    plan.validateScopes(promptLength, tokens.length);
    CompiledDecoder decoder = decoder(planShape, captures);
    int n = tokens.length;
    long[] ids = new long[n];
    long[] att = new long[n];
    long[] pos = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = tokens[i];
      att[i] = 1;
      pos[i] = i;
    }
    Set<String> names = new HashSet<>();
    captures.forEach(h -> names.add(h.name()));
    try (SteeringFeeds feeds = SteeringFeeds.create(env, decoder.layout, List.of(plan), new boolean[1], shape.hiddenSize())) {
      Map<String, OnnxTensor> masks = feeds.masks(env, n, new int[] {0}, new int[] {0}, new int[] {promptLength});
      try {
        Map<String, OnnxTensor> steering = new java.util.HashMap<>(feeds.parameters());
        steering.putAll(masks);
        Map<String, OnnxTensor> past = decoder.usesCache() ? decoder.emptyPast(1) : Map.of();
        try (OrtSession.Result result = decoder.run(ids, att, pos, 1, n, past, steering, names)) {
          float[][] logits = wantLogits ? rows(decoder.logits(result), n) : null;
          TreeMap<HookPoint, float[][]> caps = new TreeMap<>();
          for (HookPoint h : captures) {
            caps.put(h, rows((OnnxTensor) result.get(h.name()).orElseThrow(), n));
          }
          return new Forward(logits, caps);
        } finally {
          past.values().forEach(OnnxTensor::close);
        }
      } finally {
        masks.values().forEach(OnnxTensor::close);
      }
    } catch (OrtException e) {
      throw new InferenceException("forward pass failed: " + e.getMessage(), e);
    }
  }

  private static float[][] rows(OnnxTensor t, int n) {
    long[] s = t.getInfo().getShape();
    int width = (int) s[s.length - 1];
    FloatBuffer fb = t.getFloatBuffer();
    float[][] out = new float[n][width];
    for (int i = 0; i < n; i++) {
      fb.get(out[i]);
    }
    return out;
  }

  private void checkOpen() {
    checkState(!closed, "this model is closed");
  }

  private SteeringPlan.Shape checkPlans(List<SteeringPlan> plans) {
    checkOpen();
    SteeringPlan.Shape first = null;
    for (int r = 0; r < plans.size(); r++) {
      SteeringPlan p = checkNotNull(plans.get(r), "plan of row %s", r);
      p.validate(shape);
      if (first == null) {
        first = p.shape();
      } else {
        checkArgument(p.shape().equals(first), "the plan of row %s has shape %s but row 0's has %s; a batch"
            + " needs plans of one shape (same hook points and intervention kinds)", r, p.shape(), first);
      }
    }
    return first;
  }

  private void checkCaptures(Set<HookPoint> captures) {
    for (HookPoint h : captures) {
      checkArgument(h.layer() < shape.layers(), "cannot capture %s: the model has %s layers (0..%s)", h,
          shape.layers(), shape.layers() - 1);
      checkArgument(shape.sites().contains(h.site()), "cannot capture %s: this model exposes %s", h,
          shape.sites());
    }
  }

  private int[] promptTokens(String text) {
    checkOpen();
    checkNotNull(text, "prompt");
    checkArgument(!text.isBlank(), "the prompt is empty; give at least one word");
    int[] t = tokenizer().encode(text);
    checkArgument(t.length > 0, "the prompt '%s' encodes to no tokens", text);
    int vocab = directory.config().vocabSize();
    for (int id : t) {
      checkArgument(id < vocab, "the text '%s' encodes to token id %s, outside the model's vocabulary of %s"
          + " (the tokenizer has %s ids)", text, id, vocab, tokenizer().vocabSize());
    }
    return t;
  }

  /** A copy of {@code tokens}, checked to be non-empty ids inside the vocabulary. */
  private int[] checkIds(int[] tokens) {
    checkOpen();
    checkNotNull(tokens, "tokens");
    checkArgument(tokens.length > 0, "no tokens");
    for (int t : tokens) {
      checkArgument(t >= 0 && t < directory.config().vocabSize(), "token id %s is outside the vocabulary [0, %s)",
          t, directory.config().vocabSize());
    }
    return tokens.clone();
  }

  private void checkContext(int promptTokens, int newTokens) {
    int max = directory.config().maxPositions();
    checkArgument(promptTokens + newTokens <= max,
        "a prompt of %s tokens plus %s new tokens exceeds the model's context of %s positions",
        promptTokens, newTokens, max);
  }

  private CompiledDecoder decoder(SteeringPlan.Shape planShape, Set<HookPoint> captures) {
    CacheKey key = new CacheKey(planShape, ImmutableSet.copyOf(new TreeSet<>(captures)));
    return sessions.computeIfAbsent(key, k -> {
      try {
        return factory.compile(PlanLayout.of(k.shape()), k.captures());
      } catch (OrtException e) {
        throw new InferenceException("cannot compile the steered graph for " + k.shape() + ": "
            + e.getMessage(), e);
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    for (CompiledDecoder d : sessions.values()) {
      try {
        d.close();
      } catch (OrtException e) {
        // closing is best effort; nothing more can be done with a session that fails to close
      }
    }
    sessions.clear();
    weights.close(); // after the sessions that read them
    tokenizer.ifPresent(TextTokenizer::close);
  }

  @Override
  public String toString() {
    return "OnnxSteerableModel[" + directory.config().modelType() + ", " + shape.layers() + " layers, d="
        + shape.hiddenSize() + ", " + directory.root() + "]";
  }
}
