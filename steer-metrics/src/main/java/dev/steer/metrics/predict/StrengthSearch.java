package dev.steer.metrics.predict;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.steer.metrics.features.FeatureVector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * Fan et al.'s AlphaSearch: score every candidate strength from cheap early-token features only, then
 * decode fully in order of predicted P(success), stopping at the first judged success.
 *
 * <p>Candidates whose P(success) is below the threshold τ (0 = none) are never decoded; at most K (the
 * budget) full decodes run; equal probabilities keep the candidates' order. The decoded-token count
 * covers the full decodes only: the early-token decodes that produced the features (a few tokens per
 * candidate) are the caller's to add. {@link #grid} is the exhaustive baseline that decodes every
 * candidate. Stateless and thread-safe; the caller's functions are called on the calling thread.
 */
public final class StrengthSearch {

  private StrengthSearch() {}

  /**
   * One full decode at one strength, as judged.
   *
   * @param success whether the judge labelled it a success
   * @param tokens tokens decoded, ≥ 0
   */
  public record Decode(boolean success, int tokens) {
    /** Checks the count. */
    public Decode {
      checkArgument(tokens >= 0, "tokens must be >= 0: %s", tokens);
    }
  }

  /**
   * What a search did.
   *
   * @param strength the strength of the first success, empty if none succeeded
   * @param decodedStrengths the strengths fully decoded, in order
   * @param decodedTokens tokens of those full decodes
   */
  public record Result(OptionalDouble strength, List<Double> decodedStrengths, long decodedTokens) {
    /** Copies. */
    public Result {
      checkNotNull(strength, "strength");
      decodedStrengths = ImmutableList.copyOf(decodedStrengths);
    }

    /** True if some decoded strength was judged a success. */
    public boolean succeeded() {
      return strength.isPresent();
    }

    /** Number of full decodes. */
    public int decodes() {
      return decodedStrengths.size();
    }
  }

  /**
   * Orders candidates by the classifier's P(success) of their early-token features.
   *
   * @see #search(List, DoubleUnaryOperator, DoubleFunction, int, double)
   */
  public static Result search(
      List<Double> strengths,
      DoubleFunction<FeatureVector> earlyFeatures,
      SteerabilityClassifier classifier,
      DoubleFunction<Decode> decodeAndJudge,
      int budget,
      double threshold) {
    checkNotNull(earlyFeatures, "earlyFeatures");
    checkNotNull(classifier, "classifier");
    return search(
        strengths, a -> classifier.successProbability(earlyFeatures.apply(a)), decodeAndJudge, budget, threshold);
  }

  /**
   * Scores every candidate with {@code successProbability}, then decodes in descending order of it until
   * the first success, the budget, or the first candidate below the threshold.
   *
   * @param strengths candidate strengths, non-empty, finite
   * @param successProbability P(success) of a strength, in [0, 1]
   * @param decodeAndJudge a full decode at a strength and its judgement
   * @param budget K, the most full decodes, ≥ 1
   * @param threshold τ in [0, 1]; candidates with P(success) &lt; τ are skipped
   * @throws IllegalArgumentException for an empty or non-finite candidate list, a budget &lt; 1, a
   *     threshold outside [0, 1], or a probability outside [0, 1]
   */
  public static Result search(
      List<Double> strengths,
      DoubleUnaryOperator successProbability,
      DoubleFunction<Decode> decodeAndJudge,
      int budget,
      double threshold) {
    checkStrengths(strengths);
    checkNotNull(successProbability, "successProbability");
    checkNotNull(decodeAndJudge, "decodeAndJudge");
    checkArgument(budget >= 1, "budget must be >= 1: %s", budget);
    checkArgument(threshold >= 0 && threshold <= 1, "threshold must be in [0, 1]: %s", threshold);
    int n = strengths.size();
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = successProbability.applyAsDouble(strengths.get(i));
      checkArgument(p[i] >= 0 && p[i] <= 1, "P(success) of strength %s is %s; expected [0, 1]", strengths.get(i), p[i]);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -p[i])); // stable: ties keep input order
    List<Double> decoded = new ArrayList<>();
    long tokens = 0;
    for (int i : order) {
      if (decoded.size() >= budget || p[i] < threshold) {
        break;
      }
      double a = strengths.get(i);
      Decode d = checkNotNull(decodeAndJudge.apply(a), "decodeAndJudge returned null for %s", a);
      decoded.add(a);
      tokens += d.tokens();
      if (d.success()) {
        return new Result(OptionalDouble.of(a), decoded, tokens);
      }
    }
    return new Result(OptionalDouble.empty(), decoded, tokens);
  }

  /**
   * The exhaustive baseline: decodes every candidate in the given order; the result's strength is the
   * first success in that order.
   */
  public static Result grid(List<Double> strengths, DoubleFunction<Decode> decodeAndJudge) {
    checkStrengths(strengths);
    checkNotNull(decodeAndJudge, "decodeAndJudge");
    OptionalDouble first = OptionalDouble.empty();
    long tokens = 0;
    for (double a : strengths) {
      Decode d = checkNotNull(decodeAndJudge.apply(a), "decodeAndJudge returned null for %s", a);
      tokens += d.tokens();
      if (d.success() && first.isEmpty()) {
        first = OptionalDouble.of(a);
      }
    }
    return new Result(first, strengths, tokens);
  }

  /**
   * How searches compare with the exhaustive grid over the same problems (Fan et al. report both
   * ratios: ≈ 98 % of the grid's success rate at ≈ 11 % of its tokens for K = 20).
   *
   * @param searchSuccessRate fraction of problems where the search found a success
   * @param gridSuccessRate fraction where some grid strength succeeded
   * @param relativeSuccess searchSuccessRate / gridSuccessRate (1 when both are 0)
   * @param tokenFraction Σ search decoded tokens / Σ grid decoded tokens (0 when the grid decoded none)
   */
  public record Comparison(
      double searchSuccessRate, double gridSuccessRate, double relativeSuccess, double tokenFraction) {}

  /**
   * Compares searches with grid runs of the same problems, pairwise by index.
   *
   * @throws IllegalArgumentException if the lists are empty or differ in length
   */
  public static Comparison compare(List<Result> searches, List<Result> grids) {
    checkNotNull(searches, "searches");
    checkNotNull(grids, "grids");
    checkArgument(!searches.isEmpty(), "no searches to compare");
    checkArgument(
        searches.size() == grids.size(), "%s searches but %s grid runs", searches.size(), grids.size());
    int searchWins = 0;
    int gridWins = 0;
    long searchTokens = 0;
    long gridTokens = 0;
    for (int i = 0; i < searches.size(); i++) {
      Result s = checkNotNull(searches.get(i), "search %s", i);
      Result g = checkNotNull(grids.get(i), "grid run %s", i);
      searchWins += s.succeeded() ? 1 : 0;
      gridWins += g.succeeded() ? 1 : 0;
      searchTokens += s.decodedTokens();
      gridTokens += g.decodedTokens();
    }
    double n = searches.size();
    double relative = gridWins == 0 ? (searchWins == 0 ? 1.0 : Double.POSITIVE_INFINITY) : (double) searchWins / gridWins;
    return new Comparison(
        searchWins / n, gridWins / n, relative, gridTokens == 0 ? 0 : (double) searchTokens / gridTokens);
  }

  private static void checkStrengths(List<Double> strengths) {
    checkNotNull(strengths, "strengths");
    checkArgument(!strengths.isEmpty(), "no candidate strengths");
    for (Double a : strengths) {
      checkArgument(a != null && Double.isFinite(a), "candidate strengths must be finite: %s", strengths);
    }
  }
}
