package dev.steer.onnx.graph;

/**
 * One place where a branch is added into the residual stream: a plain {@code Add(stream, branch)} or a fused
 * {@code Skip(Simplified)LayerNormalization} whose inputs 0 and 1 are the stream and the branch.
 *
 * @param node index of the node in the graph
 * @param streamInput the stream operand (an ancestor of the branch operand)
 * @param branchInput the branch operand
 * @param branchInputIndex the input slot of the branch operand on {@code node}
 * @param biasInputIndex for fused nodes with a bias input, its slot (the bias is part of the branch); else -1
 * @param sum the tensor holding stream + branch, or {@code null} when a fused node does not name output 3
 * @param fusedNorm for fused nodes, output 0 (the normalised sum); else {@code null}
 */
record ResidualStep(
    int node,
    String streamInput,
    String branchInput,
    int branchInputIndex,
    int biasInputIndex,
    String sum,
    String fusedNorm) {

  boolean isFused() {
    return fusedNorm != null;
  }
}
