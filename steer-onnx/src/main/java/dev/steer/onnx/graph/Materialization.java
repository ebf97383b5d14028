package dev.steer.onnx.graph;

/**
 * A hook tensor that the original graph computes only inside a fused node, and how the rewriter makes it
 * explicit before reading or editing it.
 *
 * @param tensor the name the hook tensor gets
 * @param node index of the fused node
 * @param kind what to do
 * @param branchInputIndex for {@link Kind#SPLIT_BIAS}, the node's input slot of the branch operand
 * @param biasInputIndex for {@link Kind#SPLIT_BIAS}, the node's input slot of the bias
 */
record Materialization(String tensor, int node, Kind kind, int branchInputIndex, int biasInputIndex) {

  enum Kind {
    /** Name output 3 (input + skip + bias) of a Skip(Simplified)LayerNormalization. */
    REQUEST_SUM_OUTPUT,
    /** Compute {@code Add(branch, bias)} explicitly and feed it to the node in place of branch and bias. */
    SPLIT_BIAS
  }
}
