package dev.steer.onnx.graph;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds the residual stream structurally. A skip step is an {@code Add(x, b)} where x is an ancestor of b
 * (the branch read the stream), or a fused {@code Skip(Simplified)LayerNormalization}. Steps are chained when
 * the next step's stream operand is this step's sum (pre-norm) or the normalisation of that sum (post-norm,
 * a run of normalisation ops or the fused node's output 0). The longest chain wins; it must be unbroken and
 * hold two steps per block, attention first.
 */
final class ResidualChainFinder {
  static final Set<String> FUSED_SKIP_OPS =
      Set.of("SkipLayerNormalization", "SkipSimplifiedLayerNormalization");

  /** Elementwise and reduction ops a (decomposed or fused) normalisation is made of. */
  private static final Set<String> NORM_OPS =
      Set.of(
          "LayerNormalization", "SimplifiedLayerNormalization", "RMSNormalization", "ReduceMean",
          "ReduceSumSquare", "ReduceSum", "ReduceL2", "Sub", "Pow", "Add", "Sqrt", "Div", "Mul",
          "Reciprocal", "Cast", "Identity", "Neg");

  private static final Set<String> ATTENTION_OPS =
      Set.of(
          "Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention",
          "PackedMultiHeadAttention", "DecoderMaskedMultiHeadAttention", "SparseAttention",
          "PagedAttention");

  /** Products that compute attention scores or mix values when both operands are activations. */
  private static final Set<String> PRODUCT_OPS = Set.of("MatMul", "Einsum", "FusedMatMul");

  private static final int MAX_NORM_NODES = 64;

  enum Link {
    DIRECT,
    THROUGH_NORM
  }

  /** The chain in stream order, the kind of link between consecutive steps, and the sites of each block. */
  record Chain(List<ResidualStep> steps, Link link, String finalStream) {}

  private final GraphIndex index;
  private final Map<String, BitSet> ancestorCache = new HashMap<>();
  private final Set<Integer> stepNodes = new HashSet<>();

  ResidualChainFinder(GraphIndex index) {
    this.index = index;
  }

  Chain find() {
    List<ResidualStep> candidates = candidates();
    if (candidates.isEmpty()) {
      throw new GraphMappingException(
          "found 0 candidate residual adds among "
              + index.nodeCount()
              + " nodes: no Add node has one input that is an ancestor of the other, and there is no"
              + " SkipLayerNormalization/SkipSimplifiedLayerNormalization node; expected a transformer"
              + " whose blocks add an attention and an MLP branch into a residual stream");
    }
    for (ResidualStep s : candidates) {
      stepNodes.add(s.node());
    }
    Map<String, List<Integer>> byStream = new HashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      byStream.computeIfAbsent(candidates.get(i).streamInput(), k -> new ArrayList<>()).add(i);
    }
    int n = candidates.size();
    String[] norms = new String[n];
    for (int i = 0; i < n; i++) {
      norms[i] = normAfter(candidates.get(i));
    }
    // Longest path in the DAG of links, memoised; graph order is not trusted to be topological.
    int[] length = new int[n];
    int[] next = new int[n];
    Link[] linkTo = new Link[n];
    for (int i = 0; i < n; i++) {
      longestFrom(i, candidates, norms, byStream, length, next, linkTo);
    }
    int start = 0;
    for (int i = 1; i < n; i++) {
      if (length[i] > length[start]) {
        start = i;
      }
    }
    List<ResidualStep> chain = new ArrayList<>();
    Set<Link> links = new HashSet<>();
    Set<Integer> used = new HashSet<>();
    for (int i = start; i >= 0; i = next[i]) {
      chain.add(candidates.get(i));
      used.add(i);
      if (next[i] >= 0) {
        links.add(linkTo[i]);
      }
    }
    ResidualStep last = chain.get(chain.size() - 1);
    checkNoSecondChain(candidates, length, next, used, chain, last);
    if (chain.size() < 2 || chain.size() % 2 != 0) {
      throw new GraphMappingException(
          "found "
              + n
              + " candidate residual adds; the longest chain has "
              + chain.size()
              + " (from node "
              + describe(chain.get(0).node())
              + " to node "
              + describe(last.node())
              + "), expected an even number: an attention add and an MLP add per block");
    }
    if (links.size() > 1) {
      throw new GraphMappingException(
          "the residual chain of "
              + chain.size()
              + " adds mixes direct links and links through a normalisation; expected all pre-norm or all"
              + " post-norm blocks");
    }
    Link link = links.iterator().next();
    String finalStream = link == Link.DIRECT ? last.sum() : norms[indexOf(candidates, last)];
    if (link == Link.THROUGH_NORM && finalStream == null) {
      throw new GraphMappingException(
          "post-norm residual chain of "
              + chain.size()
              + " adds: could not find the normalisation after the last add "
              + describe(last.node()));
    }
    return new Chain(List.copyOf(chain), link, finalStream);
  }

  private static void longestFrom(
      int i,
      List<ResidualStep> candidates,
      String[] norms,
      Map<String, List<Integer>> byStream,
      int[] length,
      int[] next,
      Link[] linkTo) {
    if (length[i] != 0) {
      return; // done, or in progress (-1) on a cycle, which a valid graph cannot have
    }
    length[i] = -1;
    int best = 1;
    next[i] = -1;
    for (Link link : Link.values()) {
      String out = link == Link.DIRECT ? candidates.get(i).sum() : norms[i];
      for (int j : out == null ? List.<Integer>of() : byStream.getOrDefault(out, List.of())) {
        longestFrom(j, candidates, norms, byStream, length, next, linkTo);
        if (length[j] > 0 && length[j] + 1 > best) {
          best = length[j] + 1;
          next[i] = j;
          linkTo[i] = link;
        }
      }
    }
    length[i] = best;
  }

  private static int indexOf(List<ResidualStep> candidates, ResidualStep step) {
    return candidates.indexOf(step);
  }

  private void checkNoSecondChain(
      List<ResidualStep> candidates,
      int[] length,
      int[] next,
      Set<Integer> used,
      List<ResidualStep> chain,
      ResidualStep last) {
    for (int i = 0; i < candidates.size(); i++) {
      if (used.contains(i) || length[i] < 2) {
        continue;
      }
      boolean disjoint = true;
      for (int j = i; j >= 0; j = next[j]) {
        disjoint &= !used.contains(j);
      }
      if (disjoint) {
        String lastOut = last.sum() != null ? last.sum() : last.fusedNorm();
        throw new GraphMappingException(
            "residual chain breaks: found "
                + candidates.size()
                + " candidate residual adds; a chain of "
                + chain.size()
                + " adds from node "
                + describe(chain.get(0).node())
                + " ends at node "
                + describe(last.node())
                + " (its output '"
                + lastOut
                + "' feeds no further residual add, directly or through a normalisation), and a separate"
                + " chain of "
                + length[i]
                + " adds starts at node "
                + describe(candidates.get(i).node())
                + "; expected one unbroken chain from the embeddings to the final norm");
      }
    }
  }

  /** Every Add whose operands are stream and branch, and every fused skip-normalisation, in graph order. */
  List<ResidualStep> candidates() {
    List<ResidualStep> out = new ArrayList<>();
    for (int i = 0; i < index.nodeCount(); i++) {
      NodeProto node = index.node(i);
      if (node.getOpType().equals("Add") && isDefaultDomain(node) && node.getInputCount() == 2) {
        ResidualStep s = addStep(i, node);
        if (s != null) {
          out.add(s);
        }
      } else if (FUSED_SKIP_OPS.contains(node.getOpType()) && node.getInputCount() >= 3) {
        ResidualStep s = fusedStep(i, node);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private ResidualStep addStep(int i, NodeProto node) {
    String a = node.getInput(0);
    String b = node.getInput(1);
    if (a.isEmpty() || b.isEmpty() || index.isConstant(a) || index.isConstant(b)) {
      return null;
    }
    String sum = node.getOutput(0);
    if (index.isStrictAncestor(a, b, ancestorCache)) {
      return new ResidualStep(i, a, b, 1, -1, sum, null);
    }
    if (index.isStrictAncestor(b, a, ancestorCache)) {
      return new ResidualStep(i, b, a, 0, -1, sum, null);
    }
    return null;
  }

  private ResidualStep fusedStep(int i, NodeProto node) {
    String a = node.getInput(0);
    String b = node.getInput(1);
    int biasIndex = node.getOpType().equals("SkipLayerNormalization") ? 4 : 3;
    int bias = node.getInputCount() > biasIndex && !node.getInput(biasIndex).isEmpty() ? biasIndex : -1;
    String sum = node.getOutputCount() > 3 && !node.getOutput(3).isEmpty() ? node.getOutput(3) : null;
    String norm = node.getOutput(0);
    if (index.isStrictAncestor(a, b, ancestorCache)) {
      return new ResidualStep(i, a, b, 1, bias, sum, norm);
    }
    if (index.isStrictAncestor(b, a, ancestorCache)) {
      return new ResidualStep(i, b, a, 0, bias, sum, norm);
    }
    return null;
  }

  /**
   * The normalised stream after a step: output 0 of a fused node, or the single tensor leaving the run of
   * normalisation ops that reads the sum (the only output of that run that something outside it reads).
   */
  String normAfter(ResidualStep step) {
    if (step.isFused()) {
      return step.fusedNorm();
    }
    Set<Integer> visited = new HashSet<>();
    Deque<String> work = new ArrayDeque<>();
    work.push(step.sum());
    while (!work.isEmpty()) {
      for (int c : index.consumers(work.pop())) {
        NodeProto node = index.node(c);
        if (visited.contains(c) || stepNodes.contains(c) || !NORM_OPS.contains(node.getOpType())) {
          continue;
        }
        visited.add(c);
        if (visited.size() > MAX_NORM_NODES) {
          return null;
        }
        for (String out : node.getOutputList()) {
          if (!out.isEmpty()) {
            work.push(out);
          }
        }
      }
    }
    String sink = null;
    for (int v : visited) {
      for (String out : index.node(v).getOutputList()) {
        if (out.isEmpty()) {
          continue;
        }
        boolean leaves = index.isGraphOutput(out);
        for (int c : index.consumers(out)) {
          leaves |= !visited.contains(c);
        }
        if (leaves) {
          if (sink != null && !sink.equals(out)) {
            return null;
          }
          sink = out;
        }
      }
    }
    return sink;
  }

  /**
   * How strongly the branch that a step adds looks like attention: 2 when it holds an attention op, a
   * product of two activations (scores = q·kᵀ, probabilities·v) or reads a past key/value input; 1 when its
   * only sign is a Softmax (a mixture-of-experts router has one too); 0 otherwise. {@code streamInput} bounds
   * the branch from above: nodes upstream of it belong to earlier blocks.
   */
  int attentionEvidence(ResidualStep step) {
    BitSet branch = (BitSet) index.ancestorNodes(step.branchInput()).clone();
    branch.andNot(ancestorCache.computeIfAbsent(step.streamInput(), index::ancestorNodes));
    BitSet activations = activationNodes();
    int evidence = 0;
    for (int i = branch.nextSetBit(0); i >= 0; i = branch.nextSetBit(i + 1)) {
      NodeProto node = index.node(i);
      if (ATTENTION_OPS.contains(node.getOpType())) {
        return 2;
      }
      if (PRODUCT_OPS.contains(node.getOpType())
          && node.getInputCount() >= 2
          && isActivation(node.getInput(0), activations)
          && isActivation(node.getInput(1), activations)) {
        return 2;
      }
      for (String in : node.getInputList()) {
        if (index.isGraphInput(in) && looksLikeCache(in)) {
          return 2;
        }
      }
      if (node.getOpType().equals("Softmax")) {
        evidence = 1;
      }
    }
    return evidence;
  }

  /** Tie-breaker only: whether node names around the branch mention attention. */
  boolean branchNamedLikeAttention(ResidualStep step) {
    String name = index.node(step.node()).getName().toLowerCase(Locale.ROOT);
    int p = index.producer(step.branchInput());
    if (p >= 0) {
      name += " " + index.node(p).getName().toLowerCase(Locale.ROOT);
    }
    return name.contains("attn") || name.contains("attention");
  }

  private BitSet activationsCache;

  private BitSet activationNodes() {
    if (activationsCache == null) {
      activationsCache = new BitSet(index.nodeCount());
      for (String in : index.graphInputs()) {
        activationsCache.or(index.descendantNodes(in));
      }
    }
    return activationsCache;
  }

  private boolean isActivation(String tensor, BitSet activations) {
    if (index.isGraphInput(tensor)) {
      return true;
    }
    int p = index.producer(tensor);
    return p >= 0 && activations.get(p);
  }

  private static boolean looksLikeCache(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.startsWith("past") || n.contains("past_key") || n.contains("cache");
  }

  /**
   * The hidden size: declared last dimensions of stream tensors, else the 1-D weight of a fused node, else
   * the output width of the weight that produces a branch; all evidence must agree.
   */
  long hiddenSize(Chain chain) {
    Map<Long, String> evidence = new TreeMap<>();
    List<String> streams = new ArrayList<>();
    for (ResidualStep s : chain.steps()) {
      streams.add(s.streamInput());
      streams.add(s.branchInput());
    }
    streams.add(chain.finalStream());
    for (String t : streams) {
      if (t != null) {
        index.lastDim(t).ifPresent(d -> evidence.putIfAbsent(d, "declared shape of '" + t + "'"));
      }
    }
    if (evidence.isEmpty()) {
      for (ResidualStep s : chain.steps()) {
        NodeProto node = index.node(s.node());
        if (s.isFused()) {
          index.initializer(node.getInput(2))
              .filter(w -> w.getDimsCount() == 1)
              .ifPresent(w -> evidence.putIfAbsent(w.getDims(0), "gamma of " + describe(s.node())));
        }
        weightWidth(s.branchInput())
            .forEach(d -> evidence.putIfAbsent(d, "weight producing '" + s.branchInput() + "'"));
      }
    }
    if (evidence.isEmpty()) {
      embeddingWidth(chain.steps().get(0).streamInput())
          .ifPresent(d -> evidence.put(d, "embedding table feeding the stream"));
    }
    if (evidence.size() != 1) {
      throw new GraphMappingException(
          evidence.isEmpty()
              ? "could not determine the hidden size: no declared shape on the residual stream, no fused"
                  + " norm weight and no initializer weight producing a branch"
              : "conflicting hidden sizes: " + evidence);
    }
    return evidence.keySet().iterator().next();
  }

  /**
   * The row width of the embedding table the stream starts from: a {@code Gather} on a 2-D initializer
   * within a few producers upstream (scaled embeddings, added positions). Used when nothing else
   * declares the width, e.g. when every branch ends in a norm whose gain is computed (Gemma's 1 + w).
   */
  private java.util.Optional<Long> embeddingWidth(String stream) {
    java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(stream));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int visited = 0; !queue.isEmpty() && visited < 16; visited++) {
      String t = queue.poll();
      int p = index.producer(t);
      if (p < 0 || !seen.add(t)) {
        continue;
      }
      NodeProto node = index.node(p);
      if (node.getOpType().equals("Gather")) {
        TensorProto table = index.initializer(node.getInput(0)).orElse(null);
        if (table != null && table.getDimsCount() == 2) {
          return java.util.Optional.of(table.getDims(1));
        }
      }
      queue.addAll(node.getInputList());
    }
    return java.util.Optional.empty();
  }

  private List<Long> weightWidth(String tensor) {
    List<Long> out = new ArrayList<>();
    int p = index.producer(tensor);
    if (p < 0) {
      return out;
    }
    NodeProto node = index.node(p);
    for (String in : node.getInputList()) {
      TensorProto w = index.initializer(in).orElse(null);
      if (w == null) {
        continue;
      }
      if (node.getOpType().equals("Add") && w.getDimsCount() == 1) {
        out.add(w.getDims(0));
      } else if (node.getOpType().equals("MatMul") && w.getDimsCount() == 2) {
        out.add(w.getDims(1));
      }
    }
    return out;
  }

  String describe(int node) {
    NodeProto n = index.node(node);
    String name = n.getName().isEmpty() ? "#" + node : "'" + n.getName() + "'";
    return name + " (" + n.getOpType() + ", output '" + (n.getOutputCount() > 0 ? n.getOutput(0) : "") + "')";
  }

  private static boolean isDefaultDomain(NodeProto node) {
    return node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
  }
}
