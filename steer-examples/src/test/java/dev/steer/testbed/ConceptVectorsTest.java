package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.RotationPlane;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ConceptVectors} against sums over the captured rows, recomputed here. */
class ConceptVectorsTest {
  private static final StoryGrammar GRAMMAR = Testbed.grammar();
  private static final HookPoint LAYER = HookPoint.residPost(2);

  private static OnnxSteerableModel model;

  @BeforeAll
  static void open() throws Exception {
    model = Testbed.open();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void theVectorIsTheMeanDifferenceOfTheRowsBeforeTheFamilysWords() {
    Concept london = GRAMMAR.concept("london");
    List<ContrastivePair> pairs = ContrastivePrompts.pairs(GRAMMAR, london, 8, 1);
    double[][] means = sideMeans(pairs, GRAMMAR.family("place").allWords());
    SteeringVector v =
        ConceptVectors.extract(model, GRAMMAR, london, pairs, LAYER, ExtractionMethod.MEAN_DIFFERENCE);
    for (int j = 0; j < v.dimension(); j++) {
      assertEquals(means[0][j] - means[1][j], v.toArray()[j], 1e-3, "component " + j);
    }
    assertEquals(LAYER, v.hookPoint().orElseThrow());
  }

  @Test
  void theConceptPlaneHoldsTheVectorAndTheMeanRowWithTheMeanOnThePositiveSecondAxis() {
    Concept sad = GRAMMAR.concept("sad");
    List<ContrastivePair> pairs = ContrastivePrompts.pairs(GRAMMAR, sad, 8, 1);
    double[][] means = sideMeans(pairs, GRAMMAR.family("sentiment").allWords());
    RotationPlane plane =
        ConceptVectors.conceptPlane(model, GRAMMAR, sad, pairs, LAYER, ExtractionMethod.MEAN_DIFFERENCE);
    double[] difference = new double[means[0].length];
    for (int j = 0; j < difference.length; j++) {
      difference[j] = means[0][j] - means[1][j];
    }
    double length = Math.sqrt(dot(difference, difference));
    for (int j = 0; j < difference.length; j++) {
      assertEquals(difference[j] / length, plane.b1().toArray()[j], 1e-4, "b1 component " + j);
    }

    double[] mid = new double[difference.length];
    for (int j = 0; j < mid.length; j++) {
      mid[j] = (means[0][j] + means[1][j]) / 2;
    }
    double along1 = dot(mid, plane.b1().toArray());
    double along2 = dot(mid, plane.b2().toArray());
    double outside = Math.sqrt(Math.max(0, dot(mid, mid) - along1 * along1 - along2 * along2));
    assertTrue(along2 > 0, "the mean row must lie on the +b2 side: " + along2);
    assertTrue(outside < 1e-3 * Math.sqrt(dot(mid, mid)), "mean row outside the plane by " + outside);
    assertTrue(along2 > 1, "the mean row must have a real part along b2: " + along2);
  }

  /** [positive, negative] → the mean over pairs of each story's mean row before {@code family}'s words. */
  private static double[][] sideMeans(List<ContrastivePair> pairs, Set<String> family) {
    double[][] means = new double[2][model.shape().hiddenSize()];
    for (ContrastivePair pair : pairs) {
      for (int side = 0; side < 2; side++) {
        String text = side == 0 ? pair.positive().text() : pair.negative().text();
        float[][] rows = model.capture(text, List.of(LAYER), SteeringPlan.empty()).at(LAYER);
        String[] words = text.split(" ");
        double[] story = new double[means[side].length];
        int count = 0;
        for (int w = 0; w < words.length; w++) {
          if (family.contains(words[w])) {
            for (int j = 0; j < story.length; j++) {
              story[j] += rows[w][j]; // row w is the token before word w (row 0 is <bos>)
            }
            count++;
          }
        }
        for (int j = 0; j < story.length; j++) {
          means[side][j] += story[j] / count / pairs.size();
        }
      }
    }
    return means;
  }

  private static double dot(double[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
