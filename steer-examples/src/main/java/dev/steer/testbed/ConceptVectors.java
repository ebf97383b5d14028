package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.extract.ContrastiveActivations;
import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.extract.VectorExtractor;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.RotationPlane;
import dev.steer.onnx.Activations;
import dev.steer.onnx.SteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Concept vectors for the testbed, extracted the way CAA reads activations at the answer token: from the
 * positions where the model is about to write a word of the concept's family. In each contrastive pair the
 * two stories are identical except for that family's words, so at those positions the only difference is
 * what the context says the next family word should be — the direction that steering must push.
 */
public final class ConceptVectors {
  private ConceptVectors() {}

  /**
   * A vector for {@code target} at {@code hookPoint} from {@code pairs} (positive: the target's story).
   *
   * @throws IllegalArgumentException if a story does not tokenize one token per word after {@code <bos>}
   */
  public static SteeringVector extract(SteerableModel model, StoryGrammar grammar, Concept target,
      List<ContrastivePair> pairs, HookPoint hookPoint, ExtractionMethod method) {
    return extract(model, grammar, target, pairs, List.of(hookPoint), method).get(0);
  }

  /** The vectors at several hook points, from one capture pass per story. */
  static List<SteeringVector> extract(SteerableModel model, StoryGrammar grammar, Concept target,
      List<ContrastivePair> pairs, List<HookPoint> hookPoints, ExtractionMethod method) {
    float[][][][] sides = readPositions(model, grammar, target, pairs, hookPoints);
    List<SteeringVector> vectors = new ArrayList<>();
    for (int h = 0; h < hookPoints.size(); h++) {
      vectors.add(vector(sides[0][h], sides[1][h], hookPoints.get(h), target, method));
    }
    return vectors;
  }

  /**
   * The rotation plane of {@code target} at {@code hookPoint}: b1 the unit concept vector of {@link
   * #extract} (with {@code method}), b2 the unit part orthogonal to b1 of m = (μ⁺ + μ⁻)/2, where μ⁺ and
   * μ⁻ are the means over the pairs of each story's mean row at the same positions: the typical row there,
   * every story counted once. The plane is oriented from b1 towards
   * m, so the activations where the concept is decided lie near +b2, and {@link
   * dev.steer.intervention.PlaneRotation} turns them towards the concept by a <em>negative</em> angle;
   * {@link dev.steer.intervention.AngularRotation} sets their in-plane angle to θ from b1.
   *
   * <p>Why this plane: additive steering moves each row h in the plane of h and the concept direction.
   * A rotation needs one fixed plane; this one holds the concept direction and the typical row where
   * the concept is read, so turning in it moves the row's own bulk onto the concept while keeping its
   * norm. On the shipped testbed at {@code blocks.2} it takes
   * AngularRotation to the testbed bar for 30 of 31 concepts and PlaneRotation for 23, against 6 and 2
   * with the plane fitted to one candidate per block ({@link RotationPlane#fromCandidates}), whose second
   * axis is where the candidates differ across blocks rather than where the activations are
   * (docs/testbed.md).
   */
  public static RotationPlane conceptPlane(SteerableModel model, StoryGrammar grammar, Concept target,
      List<ContrastivePair> pairs, HookPoint hookPoint, ExtractionMethod method) {
    float[][][][] sides = readPositions(model, grammar, target, pairs, List.of(hookPoint));
    float[][] pos = sides[0][0];
    float[][] neg = sides[1][0];
    SteeringVector concept = vector(pos, neg, hookPoint, target, method).unit();
    float[] mean = new float[pos[0].length];
    for (int i = 0; i < pos.length; i++) {
      for (int j = 0; j < mean.length; j++) {
        mean[j] += (pos[i][j] + neg[i][j]) / (2f * pos.length);
      }
    }
    return RotationPlane.orthonormalize(concept, SteeringVector.of(mean).withHookPoint(hookPoint));
  }

  /** [side: positive, negative][hook point][pair] → the pair's story mean before the family's words. */
  private static float[][][][] readPositions(SteerableModel model, StoryGrammar grammar, Concept target,
      List<ContrastivePair> pairs, List<HookPoint> hookPoints) {
    Set<String> family = grammar.family(target.family()).allWords();
    float[][][][] sides = new float[2][hookPoints.size()][pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) {
      float[][] p = meanBeforeFamilyWords(model, pairs.get(i).positive().text(), hookPoints, family);
      float[][] n = meanBeforeFamilyWords(model, pairs.get(i).negative().text(), hookPoints, family);
      for (int h = 0; h < hookPoints.size(); h++) {
        sides[0][h][i] = p[h];
        sides[1][h][i] = n[h];
      }
    }
    return sides;
  }

  private static SteeringVector vector(float[][] pos, float[][] neg, HookPoint hookPoint, Concept target,
      ExtractionMethod method) {
    SteeringVector v =
        VectorExtractor.extract(method, ContrastiveActivations.ofVectors(pos, neg), TokenPosition.LAST);
    return v.withHookPoint(hookPoint)
        .withMetadata(v.metadata().withConcept(target.name()).withDetail("position", "before_family_word"));
  }

  /** Per hook point, the mean activation over the positions whose next word belongs to {@code family}. */
  static float[][] meanBeforeFamilyWords(SteerableModel model, String text, List<HookPoint> hookPoints,
      Set<String> family) {
    Activations captured = model.capture(text, hookPoints, SteeringPlan.empty());
    String[] words = text.split(" ");
    float[][] means = new float[hookPoints.size()][];
    for (int h = 0; h < hookPoints.size(); h++) {
      float[][] rows = captured.at(hookPoints.get(h));
      checkArgument(rows.length == words.length + 1,
          "expected <bos> plus one token per word for '%s', got %s tokens", text, rows.length);
      float[] sum = new float[rows[0].length];
      int count = 0;
      for (int w = 0; w < words.length; w++) {
        if (family.contains(words[w])) {
          float[] row = rows[w]; // position w holds the token before word w (row 0 is <bos>)
          for (int i = 0; i < sum.length; i++) {
            sum[i] += row[i];
          }
          count++;
        }
      }
      checkArgument(count > 0, "no word of the family in '%s'", text);
      for (int i = 0; i < sum.length; i++) {
        sum[i] /= count;
      }
      means[h] = sum;
    }
    return means;
  }
}
