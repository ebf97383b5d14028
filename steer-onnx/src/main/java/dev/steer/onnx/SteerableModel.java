package dev.steer.onnx;

import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.generate.TokenListener;
import dev.steer.plan.ModelShape;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A language model that can be steered, inspected and generated from in-process. The story in two calls:
 *
 * <pre>{@code
 * SteeringVector v = model.extract(positives, negatives, HookPoint.parse("blocks.6.hook_resid_post"),
 *     ExtractionMethod.MEAN_DIFFERENCE, TokenPosition.LAST);
 * Generation g = model.generate("Tell me about your day",
 *     SteeringPlan.of(v.hookPoint().orElseThrow(), Additive.of(v, 8.0)), GenerationConfig.greedy(40));
 * }</pre>
 *
 * <p>Implementations are safe to share across threads: concurrent calls run independently and each gets
 * exactly the result it would get alone. Bad input (a plan that does not fit the model, an empty or too
 * long prompt) is rejected with an {@link IllegalArgumentException} naming the problem, and the model
 * stays usable. Close the model to release native resources; no call may race with {@link #close()}.
 */
public interface SteerableModel extends AutoCloseable {

  /** Layers, hidden size and available sites, to validate plans against. */
  ModelShape shape();

  /** Token ids of {@code text} with the model's special tokens. */
  int[] encode(String text);

  /** Text of token ids, skipping special tokens. */
  String decode(int[] tokens);

  /** Generates from {@code prompt} under {@code plan} (use {@link SteeringPlan#empty()} for unsteered). */
  default Generation generate(String prompt, SteeringPlan plan, GenerationConfig config) {
    return generate(prompt, plan, config, TokenListener.NONE);
  }

  /** Generates, streaming each token to {@code listener} as it is decided. */
  Generation generate(String prompt, SteeringPlan plan, GenerationConfig config, TokenListener listener);

  /**
   * Generates from prompt token ids used as given (no special tokens added): for ids from a dataset,
   * another tokenizer or a reference run, and for models without a tokenizer.
   */
  default Generation generate(int[] promptIds, SteeringPlan plan, GenerationConfig config) {
    return generate(promptIds, plan, config, TokenListener.NONE);
  }

  /** {@link #generate(int[], SteeringPlan, GenerationConfig)}, streaming each token to {@code listener}. */
  Generation generate(int[] promptIds, SteeringPlan plan, GenerationConfig config, TokenListener listener);

  /**
   * Generates for several prompts in one batch (left-padded), each row with its own plan; all plans must
   * have one {@link SteeringPlan#shape() shape}. Row r's result equals {@code generate(prompts[r],
   * plans[r], config)}.
   */
  List<Generation> generateBatch(List<String> prompts, List<SteeringPlan> plans, GenerationConfig config);

  /**
   * Generates under {@code plan} while an unsteered replay of the same tokens runs in the same batched
   * passes, recording both next-token distributions and the activations at {@code captures} each step.
   */
  ComparedGeneration generateCompared(
      String prompt, SteeringPlan plan, GenerationConfig config, Set<HookPoint> captures);

  /** Activations at {@code hookPoints} for every token of {@code text}, under {@code plan}. */
  Activations capture(String text, Collection<HookPoint> hookPoints, SteeringPlan plan);

  /** Activations at {@code hookPoints} for every one of {@code tokens} (used as given), under {@code plan}. */
  Activations capture(int[] tokens, Collection<HookPoint> hookPoints, SteeringPlan plan);

  /**
   * Next-token logits [tokens][vocab] at every position of {@code tokens} under {@code plan}, in one pass
   * without a cache. The first {@code promptLength} tokens count as the prompt for token scopes, so a
   * scope like {@link dev.steer.plan.TokenScope#generated()} selects the rest: this is the full
   * recomputation that cached decoding must equal, and the teacher-forced pass that likelihoods need.
   */
  float[][] logits(int[] tokens, int promptLength, SteeringPlan plan);

  /** {@link #logits(int[], int, SteeringPlan)} with every token counted as prompt. */
  default float[][] logits(int[] tokens, SteeringPlan plan) {
    return logits(tokens, tokens.length, plan);
  }

  /**
   * A steering vector at {@code hookPoint} from contrastive texts: activations of each text are captured
   * unsteered and reduced with {@code method} at {@code position}.
   */
  SteeringVector extract(List<String> positives, List<String> negatives, HookPoint hookPoint,
      ExtractionMethod method, TokenPosition position);

  @Override
  void close();
}
