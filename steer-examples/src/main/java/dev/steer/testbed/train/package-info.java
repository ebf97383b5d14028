/**
 * Trains the testbed language model: a GPT-2-shaped decoder ({@link
 * dev.steer.testbed.train.TestbedModelConfig}) fitted to the stories of {@link
 * dev.steer.testbed.StoryGrammar#standard()} with ND4J SameDiff automatic differentiation and Adam.
 *
 * <ul>
 *   <li>{@link dev.steer.testbed.train.TestbedTrainer} is the command-line trainer;
 *   <li>{@link dev.steer.testbed.train.TestbedWeights} holds the parameters under Hugging Face GPT-2
 *       names and layouts and reads and writes the weights file;
 *   <li>{@link dev.steer.testbed.train.ReferenceDecoder} is an independent plain-Java forward pass used
 *       to check the trained graph and to sample from the model.
 * </ul>
 *
 * <p>The committed model {@code dev/steer/testbed/testbed-gpt2.weights} (class-path resource, 217,408
 * parameters, {@link dev.steer.testbed.train.TestbedModelConfig#standard standard} configuration) was
 * written by {@code OMP_NUM_THREADS=1 java dev.steer.testbed.train.TestbedTrainer out 1 2400 32 3e-3}
 * (the same as {@code … 64 4 0 4 1:0.5,2:0.5}: seed 1, 2400 steps of 32 stories, peak learning rate 3e-3, early-exit losses of weight 0.5 after blocks
 * 1 and 2): validation cross-entropy 0.8460 nats/token on 2000 stories against the grammar's floor 0.8437
 * (first below 1.15 × floor at step 1000); 98.4% of the sentences of 200 stories sampled at temperature 1
 * are fluent.
 *
 * <p>Token ids are indices in {@link dev.steer.testbed.StoryGrammar#vocabulary()} ({@code <pad>} 0,
 * {@code <unk>} 1, {@code <bos>} 2, {@code <eos>} 3). {@link dev.steer.testbed.TestbedExport} hands the
 * weights to the ONNX exporter of {@code dev.steer.onnx.export} (names and Conv1D [in, out] layouts already
 * match; the tied embedding rows are permuted to the tokenizer's ids), and
 * {@code steer-examples/build-testbed.sh} trains and exports in one command.
 */
package dev.steer.testbed.train;
