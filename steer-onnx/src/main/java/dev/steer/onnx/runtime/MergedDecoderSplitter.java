package dev.steer.onnx.runtime;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a merged decoder (Optimum's {@code decoder_model_merged.onnx}) into the two standalone decoders
 * of a split export, so that the residual stream can be mapped and rewritten in ordinary top-level graphs.
 *
 * <p>The branching node is found by structure, not by name: the one {@code If} whose condition is a bool
 * graph input. Its with-past branch is the one that reads graph inputs the other does not (the past
 * key/values); the other is the no-past branch. Each standalone graph is the main graph with the {@code
 * If} replaced by the nodes of one branch: outer-scope references (initializers, graph inputs) resolve
 * unchanged because they are now in the same scope, the branch's own initializers and value infos are
 * hoisted, branch outputs are renamed to the {@code If} outputs (through {@code Identity} where names
 * differ), any other use of the condition becomes a constant, and graph inputs and initializers no node
 * reads are dropped.
 * Stateless.
 */
final class MergedDecoderSplitter {

  private MergedDecoderSplitter() {}

  /** The two decoders of a merged export. */
  record Split(ModelProto withPast, ModelProto noPast) {}

  /**
   * Splits {@code merged}.
   *
   * @throws ModelLoadException naming {@code file} and what is wrong when there is not exactly one {@code
   *     If} on a bool input, a branch is missing, a branch's outputs do not match the node's, or the
   *     branches cannot be told apart
   */
  static Split split(ModelProto merged, Path file) throws ModelLoadException {
    GraphProto main = merged.getGraph();
    Set<String> boolInputs = new HashSet<>();
    Set<String> inputNames = new HashSet<>();
    for (ValueInfoProto in : main.getInputList()) {
      inputNames.add(in.getName());
      if (in.getType().getTensorType().getElemType() == TensorProto.DataType.BOOL_VALUE) {
        boolInputs.add(in.getName());
      }
    }
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < main.getNodeCount(); i++) {
      NodeProto n = main.getNode(i);
      if (n.getOpType().equals("If") && n.getDomain().isEmpty() && n.getInputCount() == 1
          && boolInputs.contains(n.getInput(0))) {
        candidates.add(i);
      }
    }
    if (candidates.size() != 1) {
      throw new ModelLoadException(file + ": a merged decoder needs exactly one If node on a bool graph input"
          + " (Optimum's use_cache_branch), found " + candidates.size());
    }
    int at = candidates.get(0);
    NodeProto ifNode = main.getNode(at);
    GraphProto thenBranch = branch(ifNode, "then_branch", file);
    GraphProto elseBranch = branch(ifNode, "else_branch", file);
    Set<String> thenReads = readInputs(thenBranch, inputNames);
    Set<String> elseReads = readInputs(elseBranch, inputNames);
    GraphProto withPast;
    GraphProto noPast;
    boolean thenIsWithPast;
    if (thenReads.containsAll(elseReads) && !elseReads.containsAll(thenReads)) {
      thenIsWithPast = true;
    } else if (elseReads.containsAll(thenReads) && !thenReads.containsAll(elseReads)) {
      thenIsWithPast = false;
    } else {
      throw new ModelLoadException(file + ": cannot tell the with-past branch of If node '" + ifNode.getName()
          + "': the with-past branch must read every graph input the other reads plus the past key/values,"
          + " but then_branch reads " + new TreeSet<>(thenReads) + " and else_branch reads "
          + new TreeSet<>(elseReads));
    }
    withPast = thenIsWithPast ? thenBranch : elseBranch;
    noPast = thenIsWithPast ? elseBranch : thenBranch;
    return new Split(inline(merged, at, withPast, thenIsWithPast),
        inline(merged, at, noPast, !thenIsWithPast));
  }

  private static GraphProto branch(NodeProto ifNode, String name, Path file) throws ModelLoadException {
    for (AttributeProto a : ifNode.getAttributeList()) {
      if (a.getName().equals(name)) {
        if (!a.hasG()) {
          break;
        }
        if (a.getG().getOutputCount() != ifNode.getOutputCount()) {
          throw new ModelLoadException(file + ": the " + name + " of If node '" + ifNode.getName() + "' has "
              + a.getG().getOutputCount() + " outputs but the node has " + ifNode.getOutputCount());
        }
        return a.getG();
      }
    }
    throw new ModelLoadException(file + ": If node '" + ifNode.getName() + "' has no " + name
        + " graph; a merged decoder needs a with-past and a no-past branch");
  }

  /** The names in {@code inputs} that {@code g} (or any graph nested in it) reads. */
  private static Set<String> readInputs(GraphProto g, Set<String> inputs) {
    Set<String> read = new LinkedHashSet<>();
    for (String name : reads(g)) {
      if (inputs.contains(name)) {
        read.add(name);
      }
    }
    return read;
  }

  /** Every tensor name a node of {@code g} or of its nested graphs takes as input (over-approximate). */
  private static Set<String> reads(GraphProto g) {
    Set<String> out = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      out.addAll(n.getInputList());
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          out.addAll(reads(a.getG()));
        }
        for (GraphProto sub : a.getGraphsList()) {
          out.addAll(reads(sub));
        }
      }
    }
    return out;
  }

  private static ModelProto inline(ModelProto merged, int at, GraphProto branch, boolean condition) {
    GraphProto main = merged.getGraph();
    NodeProto ifNode = main.getNode(at);
    String cond = ifNode.getInput(0);
    GraphProto.Builder g = main.toBuilder().clearNode().clearInput();
    for (int i = 0; i < main.getNodeCount(); i++) {
      if (i != at) {
        g.addNode(main.getNode(i));
        continue;
      }
      g.addAllNode(branch.getNodeList());
      for (int k = 0; k < ifNode.getOutputCount(); k++) {
        String inner = branch.getOutput(k).getName();
        String outer = ifNode.getOutput(k);
        if (!inner.equals(outer)) {
          g.addNode(NodeProto.newBuilder().setName(outer + "/from_branch").setOpType("Identity")
              .addInput(inner).addOutput(outer));
        }
      }
    }
    g.addAllInitializer(branch.getInitializerList());
    g.addAllSparseInitializer(branch.getSparseInitializerList());
    g.addAllValueInfo(branch.getValueInfoList());
    Set<String> read = reads(g.build());
    if (read.contains(cond)) {
      g.addNode(0, NodeProto.newBuilder().setName(cond + "/constant").setOpType("Constant").addOutput(cond)
          .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
              .setT(TensorProto.newBuilder().setDataType(TensorProto.DataType.BOOL_VALUE).addDims(1)
                  .addInt32Data(condition ? 1 : 0))));
    }
    for (ValueInfoProto in : main.getInputList()) {
      if (!in.getName().equals(cond) && read.contains(in.getName())) {
        g.addInput(in);
      }
    }
    // Initializers only the other branch reads would be dead weight in this graph.
    Set<String> kept = new HashSet<>(read);
    main.getOutputList().forEach(o -> kept.add(o.getName()));
    List<TensorProto> initializers = new ArrayList<>(g.getInitializerList());
    g.clearInitializer();
    for (TensorProto t : initializers) {
      if (kept.contains(t.getName())) {
        g.addInitializer(t);
      }
    }
    return merged.toBuilder().setGraph(g).build();
  }
}
