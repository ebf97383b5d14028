package dev.steer.metrics.run;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.steer.metrics.likelihood.LikelihoodEffects;
import dev.steer.metrics.likelihood.LogProbs;
import dev.steer.metrics.likelihood.SteeringEffects;
import dev.steer.onnx.SteerableModel;
import dev.steer.plan.SteeringPlan;
import java.util.Arrays;
import java.util.List;

/**
 * Likelihood-based measures of a plan from teacher-forced passes ({@link SteerableModel#logits}): no
 * decoding, one forward pass per (text, plan).
 *
 * <p>A completion c of a prompt x is scored by ln p(c | x) = Σ_i ln softmax(z_{|x|−1+i})[c_i], z the
 * logits of the pass over the tokens of x + c (the text x concatenated with c, which must tokenize to the
 * prompt's tokens followed by the completion's). The prompt counts as prompt for token scopes, the
 * completion as generated. Stateless and thread-safe.
 */
public final class LikelihoodProbe {

  private LikelihoodProbe() {}

  /**
   * One contrastive example: a prompt with a behaviour-matching (positive) and a non-matching (negative)
   * completion, each appended to the prompt text as given (include a leading space where the tokenizer
   * needs one).
   */
  public record Contrast(String prompt, String positive, String negative) {
    /** Checks for nulls and empty completions. */
    public Contrast {
      checkNotNull(prompt, "prompt");
      checkNotNull(positive, "positive");
      checkNotNull(negative, "negative");
      checkArgument(!positive.isEmpty() && !negative.isEmpty(), "completions must not be empty");
    }
  }

  /**
   * ln p(completion token i | prompt, earlier completion tokens) for every completion token.
   *
   * @throws IllegalArgumentException if prompt + completion does not tokenize to the prompt's tokens
   *     followed by at least one more token, or the model rejects the plan
   */
  public static double[] tokenLogProbs(
      SteerableModel model, String prompt, String completion, SteeringPlan plan) {
    checkNotNull(model, "model");
    checkNotNull(prompt, "prompt");
    checkNotNull(completion, "completion");
    int[] p = model.encode(prompt);
    int[] all = model.encode(prompt + completion);
    checkArgument(p.length >= 1, "the prompt '%s' encodes to no tokens", prompt);
    checkArgument(
        all.length > p.length && Arrays.equals(p, Arrays.copyOf(all, p.length)),
        "prompt + completion does not tokenize to the prompt's %s tokens followed by the completion's;"
            + " prompt '%s', completion '%s' (add or remove a separating space)",
        p.length,
        prompt,
        completion);
    float[][] logits = model.logits(all, p.length, plan);
    double[] out = new double[all.length - p.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = logSoftmaxAt(logits[p.length - 1 + i], all[p.length + i]);
    }
    return out;
  }

  /** ln p(completion | prompt) = the sum of {@link #tokenLogProbs}. */
  public static double logProbability(SteerableModel model, String prompt, String completion, SteeringPlan plan) {
    double sum = 0;
    for (double x : tokenLogProbs(model, prompt, completion, plan)) {
      sum += x;
    }
    return sum;
  }

  /**
   * The contrastive effect size of one example: [ln p_s(pos) − ln p_u(pos)] − [ln p_s(neg) − ln p_u(neg)]
   * ({@link LikelihoodEffects#contrastive}), s under {@code plan}, u unsteered. Positive when steering
   * moves probability towards the positive completion. Four teacher-forced passes.
   *
   * @throws IllegalArgumentException as {@link #tokenLogProbs}, or if a completion has probability 0
   */
  public static double effectSize(SteerableModel model, Contrast example, SteeringPlan plan) {
    checkNotNull(example, "example");
    SteeringPlan none = SteeringPlan.empty();
    return LikelihoodEffects.contrastive(
        logProbability(model, example.prompt(), example.positive(), plan),
        logProbability(model, example.prompt(), example.positive(), none),
        logProbability(model, example.prompt(), example.negative(), plan),
        logProbability(model, example.prompt(), example.negative(), none));
  }

  /** The mean {@link #effectSize} over {@code examples} (at least one). */
  public static double meanEffectSize(SteerableModel model, List<Contrast> examples, SteeringPlan plan) {
    checkNotNull(examples, "examples");
    checkArgument(!examples.isEmpty(), "no examples");
    double sum = 0;
    for (Contrast c : examples) {
      sum += effectSize(model, c, plan);
    }
    return sum / examples.size();
  }

  /**
   * Pres et al.'s likelihood evaluation ({@link LikelihoodEffects#evaluate}) of a plan: ℓ = the mean
   * token log-probability ({@link LogProbs#mean}) of each positive (behaviour-matching) and negative
   * (non-matching) completion, steered and unsteered; four teacher-forced passes per example.
   *
   * @throws IllegalArgumentException as {@link #tokenLogProbs}, for no examples, or if every score of
   *     the set is 0 (the normaliser −max ℓ would be 0)
   */
  public static SteeringEffects steeringEffects(SteerableModel model, List<Contrast> examples, SteeringPlan plan) {
    checkNotNull(examples, "examples");
    checkArgument(!examples.isEmpty(), "no examples");
    int n = examples.size();
    double[] controlMatching = new double[n];
    double[] steeredMatching = new double[n];
    double[] controlNonMatching = new double[n];
    double[] steeredNonMatching = new double[n];
    SteeringPlan none = SteeringPlan.empty();
    for (int i = 0; i < n; i++) {
      Contrast c = checkNotNull(examples.get(i), "example %s", i);
      controlMatching[i] = LogProbs.mean(tokenLogProbs(model, c.prompt(), c.positive(), none));
      steeredMatching[i] = LogProbs.mean(tokenLogProbs(model, c.prompt(), c.positive(), plan));
      controlNonMatching[i] = LogProbs.mean(tokenLogProbs(model, c.prompt(), c.negative(), none));
      steeredNonMatching[i] = LogProbs.mean(tokenLogProbs(model, c.prompt(), c.negative(), plan));
    }
    return LikelihoodEffects.evaluate(controlMatching, steeredMatching, controlNonMatching, steeredNonMatching);
  }

  /**
   * Perplexity exp(−(1/(n−1)) Σ_{i≥1} ln p(x_i | x_&lt;i)) of a reference text's n ≥ 2 tokens under {@code
   * plan} (the first token, normally BOS, is the prompt; the rest count as generated for token scopes).
   * Compare with {@link SteeringPlan#empty()} to measure steering's side effects on fluent text.
   *
   * @throws IllegalArgumentException if the text encodes to fewer than 2 tokens or the model rejects it
   */
  public static double perplexity(SteerableModel model, String text, SteeringPlan plan) {
    checkNotNull(model, "model");
    checkNotNull(text, "text");
    int[] tokens = model.encode(text);
    checkArgument(tokens.length >= 2, "'%s' encodes to %s tokens; perplexity needs at least 2", text, tokens.length);
    float[][] logits = model.logits(tokens, 1, plan);
    double[] lp = new double[tokens.length - 1];
    for (int i = 0; i < lp.length; i++) {
      lp[i] = logSoftmaxAt(logits[i], tokens[i + 1]);
    }
    return LogProbs.perplexity(lp);
  }

  /** ln softmax(row)[token] via log-sum-exp in double. */
  static double logSoftmaxAt(float[] row, int token) {
    checkArgument(token >= 0 && token < row.length, "token %s outside the vocabulary of %s", token, row.length);
    double max = Double.NEGATIVE_INFINITY;
    for (float x : row) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : row) {
      sum += Math.exp(x - max);
    }
    return row[token] - max - Math.log(sum);
  }
}
