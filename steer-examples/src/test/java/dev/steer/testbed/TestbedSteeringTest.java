package dev.steer.testbed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Ablation;
import dev.steer.intervention.Intervention;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.testbed.SteeringSurvey.Kind;
import dev.steer.testbed.SteeringSurvey.Outcome;
import dev.steer.vector.SteeringVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Steering visibly works on the shipped testbed model, judged exactly by its grammar. For each
 * intervention kind, at least six concepts reach the bar of the testbed issue — concept score ≥ 0.8 while
 * fluency stays ≥ 0.9, from the unsteered base rate — at some strength of a small grid; additive and
 * slerp steering pushed hard break fluency (over-steer), and angular rotation turned away from the concept
 * suppresses it. Vectors come from 32 contrastive story pairs at the steered block's output: the last
 * block for every kind, and also the middle block {@code blocks.2} for SlerpTowards and AngularRotation
 * (additive steering and PlaneRotation reach the bar there for fewer than six concepts). Each setting is
 * judged on 16 whole stories sampled at temperature 1 with fixed seeds, so every figure is reproducible
 * ({@link SteeringSurvey}). docs/testbed.md has the table for every concept of the grammar.
 */
class TestbedSteeringTest {
  private static final double MIN_GAIN = 0.2;

  private static OnnxSteerableModel model;
  private static SteeringSurvey survey;
  /** Steering at blocks.2, the later of the two middle blocks. */
  private static SteeringSurvey middle;

  @BeforeAll
  static void open() throws Exception {
    model = Testbed.open();
    survey = new SteeringSurvey(model);
    middle = new SteeringSurvey(model, HookPoint.residPost(2));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /**
   * Over {@code kind}'s grid, the best fluent outcome must meet the bar and beat the unsteered base rate
   * by {@link #MIN_GAIN}; unless {@code overSteer} is NaN, that strength must be over-steered (fluency ≤
   * 0.35). Rotations keep ‖h‖ and need not break fluency.
   */
  static void assertReachesTheBar(Kind kind, String name, double overSteer) {
    assertReachesTheBar(survey, kind, name, overSteer);
  }

  /** {@link #assertReachesTheBar(Kind, String, double)} steering at {@code survey}'s layer. */
  static void assertReachesTheBar(SteeringSurvey survey, Kind kind, String name, double overSteer) {
    Concept concept = Testbed.grammar().concept(name);
    Outcome base = survey.outcome(concept, SteeringPlan.empty());
    DoubleFunction<Intervention> intervention = survey.intervention(kind, concept);
    List<Outcome> outcomes = survey.sweep(kind, concept, intervention);
    String report = kind + " " + name + " at " + survey.layer() + ": base " + base + "; at "
        + Arrays.toString(kind.grid()) + ": " + outcomes;
    System.out.println(report); // the measured figures, for the record in the surefire report
    int best = SteeringSurvey.bestFluent(outcomes);
    assertTrue(best >= 0 && outcomes.get(best).meetsBar()
        && outcomes.get(best).concept() >= base.concept() + MIN_GAIN, report);
    if (!Double.isNaN(overSteer)) {
      Outcome over = survey.outcome(concept, SteeringPlan.of(survey.layer(), intervention.apply(overSteer)));
      assertTrue(over.fluency() <= 0.35, report + "; at " + overSteer + ": " + over);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"joyful", "sad", "london", "formal", "night", "teacher", "red"})
  void additiveSteeringRaisesTheConceptFluentlyAndOverSteersWhenPushed(String name) {
    assertReachesTheBar(Kind.ADDITIVE, name, 2.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sports", "joyful", "london", "formal", "night", "teacher", "red"})
  void slerpTowardsTheConceptWorksAtSomeFractionAndOverSteersNearlyAllTheWay(String name) {
    assertReachesTheBar(Kind.SLERP, name, 0.8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"joyful", "tokyo", "formal", "past", "evening", "farmer"})
  void slerpTowardsTheConceptWorksAtAMiddleBlock(String name) {
    assertReachesTheBar(middle, Kind.SLERP, name, 0.8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tokyo", "plain", "formal", "evening", "yellow", "purple"})
  void angularRotationTowardsTheConceptWorksAtAMiddleBlock(String name) {
    assertReachesTheBar(middle, Kind.ANGULAR, name, Double.NaN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"weather", "joyful", "paris", "tokyo", "formal", "evening"})
  void angularRotationTowardsTheConceptWorksAtSomeAngle(String name) {
    assertReachesTheBar(Kind.ANGULAR, name, Double.NaN);
  }

  /**
   * Rotations turn only a plane and keep ‖h‖, and on the testbed they do not break fluency at any angle;
   * their other regime is steering away: turned to 180°, opposite the concept axis, the concept drops
   * below its base rate while the stories stay fluent.
   */
  @ParameterizedTest
  @ValueSource(strings = {"weather", "joyful", "paris", "tokyo", "formal", "evening"})
  void angularRotationAwayFromTheConceptSuppressesItFluently(String name) {
    Concept concept = Testbed.grammar().concept(name);
    Outcome base = survey.outcome(concept, SteeringPlan.empty());
    Outcome away = survey.outcome(concept,
        SteeringPlan.of(survey.layer(), survey.intervention(Kind.ANGULAR, concept).apply(180)));
    System.out.println("angular " + name + " at 180: " + away + " (base " + base + ")");
    assertTrue(away.concept() <= base.concept() - 0.15 && away.fluency() >= 0.9, "base " + base + ", at 180° " + away);
  }

  @ParameterizedTest
  @ValueSource(strings = {"paris", "tokyo", "plain", "evening", "yellow", "purple"})
  void planeRotationTowardsTheConceptWorksAtSomeAngle(String name) {
    assertReachesTheBar(Kind.PLANE, name, Double.NaN);
  }

  @Test
  void ablatingTheConceptAtEveryLayerLowersItWhenThePromptInvitesIt() {
    Concept concept = Testbed.grammar().concept("sailor");
    // Prompts that start a story about the concept: the first sentence of sailor stories.
    List<String> prompts = new ArrayList<>();
    Random r = new Random(5);
    while (prompts.size() < 4) {
      Story s = Testbed.grammar().sample(r);
      if (s.concept(concept.family()).equals(concept)) {
        prompts.add(s.sentences().get(0));
      }
    }
    SteeringPlan.Builder ablate = SteeringPlan.builder();
    for (int l = 0; l < model.shape().layers(); l++) {
      HookPoint h = HookPoint.residPost(l);
      SteeringVector v = ConceptVectors.extract(model, Testbed.grammar(), concept,
          ContrastivePrompts.pairs(Testbed.grammar(), concept, SteeringSurvey.PAIRS, 1), h,
          ExtractionMethod.MEAN_DIFFERENCE);
      ablate.add(h, new Ablation(v.unit(), 1.0));
    }
    Outcome plain = survey.outcome(concept, SteeringPlan.empty(), prompts);
    Outcome ablated = survey.outcome(concept, ablate.build(), prompts);
    assertTrue(ablated.concept() <= plain.concept() - 0.2, "plain " + plain + ", ablated " + ablated);
  }
}
