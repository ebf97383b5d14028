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
 * Steering visibly works on the shipped testbed model at a middle layer ({@link Testbed#steeringLayer},
 * the output of the third of its four blocks), judged exactly by its grammar. For each intervention kind,
 * at least six concepts reach the bar of the testbed issue — concept score ≥ 0.8 while fluency stays ≥
 * 0.9, from the unsteered base rate — at some strength of a small grid; additive and slerp steering and
 * PlaneRotation pushed hard break fluency (over-steer), and AngularRotation turned away from the concept
 * removes it. Vectors come from 32 contrastive story pairs at the steered layer; rotation planes pass
 * through that vector and the mean activation where it was read ({@link ConceptVectors#conceptPlane}).
 * Each setting is judged on 16 whole stories sampled at temperature 1 with fixed seeds, so every figure
 * is reproducible ({@link SteeringSurvey}). docs/testbed.md has the table for every concept of the
 * grammar.
 */
class TestbedSteeringTest {
  private static final double MIN_GAIN = 0.2;

  private static OnnxSteerableModel model;
  private static SteeringSurvey survey;

  @BeforeAll
  static void open() throws Exception {
    model = Testbed.open();
    survey = new SteeringSurvey(model);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void theSurveySteersAMiddleLayer() {
    int layers = model.shape().layers();
    int block = survey.layer().layer();
    assertTrue(block > 0 && block < layers - 1, survey.layer() + " of " + layers + " blocks");
  }

  /**
   * Over {@code kind}'s grid, the best fluent outcome must meet the bar and beat the unsteered base rate
   * by {@link #MIN_GAIN}; unless {@code overSteer} is NaN, that strength must be over-steered (fluency ≤
   * 0.35).
   */
  static void assertReachesTheBar(Kind kind, String name, double overSteer) {
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
  @ValueSource(strings = {"joyful", "angry", "plain", "past", "present", "doctor", "teacher"})
  void additiveSteeringRaisesTheConceptFluentlyAndOverSteersWhenPushed(String name) {
    assertReachesTheBar(Kind.ADDITIVE, name, 2.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sports", "joyful", "london", "formal", "evening", "teacher", "red"})
  void slerpTowardsTheConceptWorksAtSomeFractionAndOverSteersNearlyAllTheWay(String name) {
    assertReachesTheBar(Kind.SLERP, name, 0.8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"weather", "london", "paris", "past", "afternoon", "red", "green"})
  void angularRotationTowardsTheConceptWorksAtSomeAngle(String name) {
    assertReachesTheBar(Kind.ANGULAR, name, Double.NaN);
  }

  /**
   * AngularRotation keeps ‖h‖ and cannot push further than θ = 0, onto the concept axis; its other regime
   * is steering away: turned to 180°, opposite the concept axis, the concept disappears while the stories
   * still parse (for these concepts; for others the stories break too, docs/testbed.md).
   */
  @ParameterizedTest
  @ValueSource(strings = {"london", "paris", "past", "red"})
  void angularRotationAwayFromTheConceptRemovesItFluently(String name) {
    Concept concept = Testbed.grammar().concept(name);
    Outcome base = survey.outcome(concept, SteeringPlan.empty());
    Outcome away = survey.outcome(concept,
        SteeringPlan.of(survey.layer(), survey.intervention(Kind.ANGULAR, concept).apply(180)));
    System.out.println("angular " + name + " at 180: " + away + " (base " + base + ")");
    assertTrue(base.concept() >= 0.1 && away.concept() <= 0.05 && away.fluency() >= 0.8,
        "base " + base + ", at 180° " + away);
  }

  /**
   * The mean activation where the concept is read lies less than 90° from the concept axis, so turning by
   * −120° takes it past the axis and fluency collapses.
   */
  @ParameterizedTest
  @ValueSource(strings = {"plain", "past", "present", "afternoon", "blue", "green", "yellow"})
  void planeRotationTowardsTheConceptWorksAtSomeAngleAndOverSteersPastIt(String name) {
    assertReachesTheBar(Kind.PLANE, name, -120);
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
