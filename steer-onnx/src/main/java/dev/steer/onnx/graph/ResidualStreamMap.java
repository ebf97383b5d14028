package dev.steer.onnx.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.steer.hook.HookPoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each TransformerLens hook point of a transformer lives in one ONNX graph: the number of blocks, the
 * hidden size, and for every block the tensor names of {@code hook_resid_pre}, {@code hook_attn_out},
 * {@code hook_resid_mid}, {@code hook_mlp_out} and {@code hook_resid_post}.
 *
 * <p>Found by {@link #discover} from the structure of the graph, not from node names: the residual stream is
 * the longest chain of skip adds (an {@code Add(x, b)} where x is an ancestor of b, or a fused
 * {@code SkipLayerNormalization}/{@code SkipSimplifiedLayerNormalization}), two per block, the first being
 * the one whose branch holds attention (an attention op, a MatMul of two activations, or a past key/value
 * input). How the sites are defined:
 *
 * <ul>
 *   <li><b>Pre-norm</b> ({@link NormPlacement#PRE}; GPT-2, Llama, Gemma): resid_pre is the stream operand of
 *       the attention add, resid_mid its sum (the stream operand of the MLP add), resid_post the MLP add's
 *       sum. For onnxruntime-genai's {@code SkipSimplifiedLayerNormalization} form the sums are output 3 of
 *       the fused nodes; the last block's sum is often not named, and is then named by the rewriter (see
 *       {@link #tensorName}).
 *   <li><b>Post-norm</b> ({@link NormPlacement#POST}; BERT): the stream between blocks is the output of the
 *       norm after each add, so resid_pre is the attention add's stream operand (the previous norm's
 *       output), resid_mid the norm of the attention add's sum, resid_post the norm of the MLP add's sum
 *       (for the last block: the encoder's final hidden state). The raw sums before each norm are not
 *       hook points.
 *   <li>attn_out and mlp_out are the branch operands of the two adds. When a fused node adds a bias inside
 *       ({@code SkipLayerNormalization} input 4), the branch output includes that bias: the rewriter then
 *       computes {@code Add(branch, bias)} explicitly and removes the bias from the fused node.
 * </ul>
 *
 * <p>In both placements resid_post of block L and resid_pre of block L+1 name the same tensor. A map belongs
 * to the model it was discovered in. Immutable and thread-safe.
 */
public final class ResidualStreamMap {

  /** Where the blocks normalise relative to the residual adds. */
  public enum NormPlacement {
    /** Branches read a normalised copy; the stream itself is never normalised between blocks. */
    PRE,
    /** The stream is normalised after each add (BERT); sites hold the normalised stream. */
    POST
  }

  /** Far above any real model (2^20); guards against corrupt shapes that would make the rewriter allocate. */
  private static final long MAX_HIDDEN = 1 << 20;

  private final int layers;
  private final int hiddenSize;
  private final NormPlacement normPlacement;
  private final ImmutableMap<HookPoint, String> tensors;
  private final ImmutableList<String> residualNodes;
  private final ImmutableMap<String, Materialization> materializations;
  private final int nodeCount;

  private ResidualStreamMap(
      int layers,
      int hiddenSize,
      NormPlacement normPlacement,
      Map<HookPoint, String> tensors,
      List<String> residualNodes,
      Map<String, Materialization> materializations,
      int nodeCount) {
    this.layers = layers;
    this.hiddenSize = hiddenSize;
    this.normPlacement = normPlacement;
    this.tensors = ImmutableMap.copyOf(tensors);
    this.residualNodes = ImmutableList.copyOf(residualNodes);
    this.materializations = ImmutableMap.copyOf(materializations);
    this.nodeCount = nodeCount;
  }

  /**
   * Maps the residual stream of {@code model}.
   *
   * @throws GraphMappingException saying what was found when the graph has no unbroken chain of residual
   *     adds with two per block, when a block's first branch is not attention, or when the hidden size
   *     cannot be determined
   */
  public static ResidualStreamMap discover(ModelProto model) {
    checkNotNull(model, "model");
    GraphIndex index = new GraphIndex(model.getGraph());
    ResidualChainFinder finder = new ResidualChainFinder(index);
    ResidualChainFinder.Chain chain = finder.find();
    List<ResidualStep> steps = chain.steps();
    int layers = steps.size() / 2;
    for (int l = 0; l < layers; l++) {
      ResidualStep attn = steps.get(2 * l);
      ResidualStep mlp = steps.get(2 * l + 1);
      int firstEvidence = finder.attentionEvidence(attn);
      int secondEvidence = finder.attentionEvidence(mlp);
      boolean first = firstEvidence > secondEvidence;
      boolean second = secondEvidence > firstEvidence;
      if (firstEvidence == secondEvidence) {
        // Structure cannot tell; node names may.
        first = finder.branchNamedLikeAttention(attn);
        second = finder.branchNamedLikeAttention(mlp);
      }
      if (!first || second) {
        throw new GraphMappingException(
            "block "
                + l
                + ": expected the first residual add "
                + finder.describe(attn.node())
                + " to add an attention branch and the second "
                + finder.describe(mlp.node())
                + " an MLP branch, but the attention evidence (2: attention op, product of two activations"
                + " or past key/value input; 1: softmax only; 0: none) is first="
                + firstEvidence
                + ", second="
                + secondEvidence
                + (firstEvidence == secondEvidence ? " and node names do not decide" : ""));
      }
    }
    long hidden = finder.hiddenSize(chain);
    if (hidden > MAX_HIDDEN) {
      throw new GraphMappingException(
          "implausible hidden size "
              + hidden
              + " (more than "
              + MAX_HIDDEN
              + "); the shapes of the graph look corrupt");
    }

    Set<String> taken = new HashSet<>();
    Map<String, Materialization> pending = new LinkedHashMap<>();
    Map<HookPoint, String> tensors = new LinkedHashMap<>();
    List<String> residualNodes = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      ResidualStep attn = steps.get(2 * l);
      ResidualStep mlp = steps.get(2 * l + 1);
      tensors.put(HookPoint.residPre(l), attn.streamInput());
      tensors.put(HookPoint.attnOut(l), branch(index, attn, pending, taken));
      tensors.put(HookPoint.residMid(l), mlp.streamInput());
      tensors.put(HookPoint.mlpOut(l), branch(index, mlp, pending, taken));
      String post;
      if (l + 1 < layers) {
        post = steps.get(2 * l + 2).streamInput();
      } else if (chain.finalStream() != null) {
        post = chain.finalStream();
      } else {
        post = fresh(index, taken, nodeLabel(index, mlp.node()) + "/input_skip_bias_sum");
        pending.put(post, new Materialization(post, mlp.node(), Materialization.Kind.REQUEST_SUM_OUTPUT, -1, -1));
      }
      tensors.put(HookPoint.residPost(l), post);
      residualNodes.add(finder.describe(attn.node()));
      residualNodes.add(finder.describe(mlp.node()));
    }
    NormPlacement placement =
        chain.link() == ResidualChainFinder.Link.DIRECT ? NormPlacement.PRE : NormPlacement.POST;
    return new ResidualStreamMap(
        layers, (int) hidden, placement, tensors, residualNodes, pending, index.nodeCount());
  }

  private static String branch(
      GraphIndex index, ResidualStep step, Map<String, Materialization> pending, Set<String> taken) {
    if (step.biasInputIndex() < 0) {
      return step.branchInput();
    }
    String name = fresh(index, taken, step.branchInput() + "/with_bias");
    pending.put(
        name,
        new Materialization(
            name, step.node(), Materialization.Kind.SPLIT_BIAS, step.branchInputIndex(), step.biasInputIndex()));
    return name;
  }

  private static String nodeLabel(GraphIndex index, int node) {
    String name = index.node(node).getName();
    return name.isEmpty() ? "node" + node : name;
  }

  private static String fresh(GraphIndex index, Set<String> taken, String base) {
    String name = base;
    for (int i = 1; index.isKnownTensor(name) || taken.contains(name); i++) {
      name = base + "_" + i;
    }
    taken.add(name);
    return name;
  }

  /** Number of transformer blocks. */
  public int layers() {
    return layers;
  }

  /** Width d of the residual stream. */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** Whether the blocks normalise before their branches (pre-norm) or after each add (post-norm). */
  public NormPlacement normPlacement() {
    return normPlacement;
  }

  /** All hook points of the model in depth order, five per block. */
  public List<HookPoint> hookPoints() {
    return ImmutableList.sortedCopyOf(tensors.keySet());
  }

  /**
   * The tensor holding a hook point. For fused forms this may be a name the original graph does not compute
   * yet (output 3 of a fused skip-norm, or a branch plus a fused bias); {@link GraphRewriter} makes such
   * tensors explicit when the hook point is captured or steered.
   *
   * @throws IllegalArgumentException naming the hook point and the number of layers when it is out of range
   */
  public String tensorName(HookPoint hookPoint) {
    checkNotNull(hookPoint, "hookPoint");
    String t = tensors.get(hookPoint);
    checkArgument(t != null, "hook point %s is outside this model's %s blocks", hookPoint, layers);
    return t;
  }

  /** The residual nodes in stream order, two per block, each as {@code name (OpType, output 'tensor')}. */
  public List<String> residualNodes() {
    return residualNodes;
  }

  Materialization materialization(String tensor) {
    return materializations.get(tensor);
  }

  int nodeCount() {
    return nodeCount;
  }

  /** A multi-line summary: size, placement and the tensor of every hook point. */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("ResidualStreamMap[layers=")
            .append(layers)
            .append(", hidden=")
            .append(hiddenSize)
            .append(", norm=")
            .append(normPlacement)
            .append("]");
    for (HookPoint h : hookPoints()) {
      sb.append("\n  ").append(h.name()).append(" = ").append(tensors.get(h));
    }
    return sb.toString();
  }
}
