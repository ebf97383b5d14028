package dev.steer.testbed;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.intervention.Additive;
import dev.steer.intervention.AngularRotation;
import dev.steer.intervention.Intervention;
import dev.steer.intervention.PlaneRotation;
import dev.steer.intervention.RotationPlane;
import dev.steer.intervention.SlerpTowards;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Which concepts of the testbed each intervention kind can steer to the testbed issue's bar: concept
 * score ≥ {@value #MIN_CONCEPT} with fluency ≥ {@value #MIN_FLUENCY}, judged on {@value #SAMPLES} whole
 * stories from the neutral prompts (temperature 1, seeds 0…15), for every concept of the grammar and the
 * strength grids of {@link Kind}. Vectors: mean difference of 32 contrastive pairs at the steered block's
 * output ({@link ConceptVectors}); rotation planes through that vector and the mean activation where it
 * was read ({@link ConceptVectors#conceptPlane}). Prints a Markdown table; {@code TestbedSteeringTest}
 * asserts the bar for six or more concepts per kind.
 *
 * <p>Run: {@code java dev.steer.testbed.SteeringSurvey [block]} with steer-examples on the class path
 * (about 2 minutes on two cores); it steers {@link Testbed#steeringLayer}, or the output of the given
 * block.
 */
public final class SteeringSurvey {

  /** Minimum concept score of the bar. */
  public static final double MIN_CONCEPT = 0.8;
  /** Minimum fluency of the bar. */
  public static final double MIN_FLUENCY = 0.9;
  /** Stories judged per setting. */
  public static final int SAMPLES = 16;
  /** Contrastive pairs per concept vector. */
  public static final int PAIRS = 32;

  /** The intervention kinds and their strength grids (additive: multiples of the mean residual norm). */
  public enum Kind {
    ADDITIVE(0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7),
    SLERP(0.15, 0.2, 0.25, 0.3, 0.35, 0.4),
    /** The in-plane angle from the concept axis b1: smaller is more of the concept. */
    ANGULAR(0, 20, 40, 60),
    /** Turned by θ; negative angles turn the mean activation (near +b2) towards the concept axis b1. */
    PLANE(-15, -30, -45, -60);

    private final double[] grid;

    Kind(double... grid) {
      this.grid = grid;
    }

    /** The strengths (α/‖h‖, fraction, degrees) this kind is tried at. */
    public double[] grid() {
      return grid.clone();
    }
  }

  /** Mean concept score and mean fluency of a setting. */
  public record Outcome(double concept, double fluency) {
    /** Whether this outcome meets the bar. */
    public boolean meetsBar() {
      return concept >= MIN_CONCEPT && fluency >= MIN_FLUENCY;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f / %.2f", concept, fluency);
    }
  }

  private final OnnxSteerableModel model;
  private final Judge judge = Testbed.judge();
  private final HookPoint layer;
  private final double residualNorm;

  /** A survey of the testbed {@code model} at {@link Testbed#steeringLayer}. */
  public SteeringSurvey(OnnxSteerableModel model) {
    this(model, Testbed.steeringLayer(model));
  }

  /** A survey of the testbed {@code model} steering at {@code layer}. */
  public SteeringSurvey(OnnxSteerableModel model, HookPoint layer) {
    this.model = model;
    this.layer = layer;
    this.residualNorm = Testbed.residualNorm(model, layer);
  }

  /** The hook point the survey steers. */
  public HookPoint layer() {
    return layer;
  }

  /** {@link #outcome(Concept, SteeringPlan, List)} from the neutral prompts. */
  public Outcome outcome(Concept concept, SteeringPlan plan) {
    return outcome(concept, plan, ContrastivePrompts.NEUTRAL_PREFIXES);
  }

  /**
   * Judges {@value #SAMPLES} whole stories under {@code plan}: story s continues prompt s mod
   * (number of prompts) and samples with seed s.
   */
  public Outcome outcome(Concept concept, SteeringPlan plan, List<String> prompts) {
    double c = 0;
    double f = 0;
    for (int s = 0; s < SAMPLES; s++) {
      String prompt = prompts.get(s % prompts.size());
      Generation g = model.generate(prompt, plan, Testbed.wholeStory(model, prompt, s));
      Verdict v = judge.score(prompt, g.text(), concept);
      c += v.conceptScore();
      f += v.fluency();
    }
    return new Outcome(c / SAMPLES, f / SAMPLES);
  }

  /** The intervention of {@code kind} towards {@code concept}, as a function of the strength. */
  public DoubleFunction<Intervention> intervention(Kind kind, Concept concept) {
    boolean rotation = kind == Kind.ANGULAR || kind == Kind.PLANE;
    return intervention(kind, rotation ? null : vector(concept), rotation ? plane(concept) : null);
  }

  /** The unit mean-difference vector of {@code concept} at the steered layer. */
  private SteeringVector vector(Concept concept) {
    return ConceptVectors.extract(model, Testbed.grammar(), concept, pairs(concept), layer,
        ExtractionMethod.MEAN_DIFFERENCE).unit();
  }

  /** The rotation plane of {@code concept} at the steered layer. */
  private RotationPlane plane(Concept concept) {
    return ConceptVectors.conceptPlane(model, Testbed.grammar(), concept, pairs(concept), layer,
        ExtractionMethod.MEAN_DIFFERENCE);
  }

  private static List<ContrastivePair> pairs(Concept concept) {
    return ContrastivePrompts.pairs(Testbed.grammar(), concept, PAIRS, 1);
  }

  /** {@code kind} from the concept's vector (additive, slerp) or plane (the rotations). */
  private DoubleFunction<Intervention> intervention(Kind kind, SteeringVector v, RotationPlane plane) {
    double norm = residualNorm;
    return switch (kind) {
      case ADDITIVE -> a -> Additive.of(v, a * norm);
      case SLERP -> a -> SlerpTowards.of(v, a);
      case ANGULAR -> t -> AngularRotation.of(plane, t);
      case PLANE -> t -> PlaneRotation.of(plane, t);
    };
  }

  /** The outcome at every strength of {@code kind}'s grid, in grid order. */
  public List<Outcome> sweep(Kind kind, Concept concept) {
    return sweep(kind, concept, intervention(kind, concept));
  }

  /** {@link #sweep(Kind, Concept)} with the intervention function already built ({@link #intervention}). */
  public List<Outcome> sweep(Kind kind, Concept concept, DoubleFunction<Intervention> f) {
    List<Outcome> outcomes = new ArrayList<>();
    for (double s : kind.grid) {
      outcomes.add(outcome(concept, SteeringPlan.of(layer, f.apply(s))));
    }
    return outcomes;
  }

  /** The index of the highest concept score among outcomes with fluency ≥ the bar, or -1 if none. */
  public static int bestFluent(List<Outcome> outcomes) {
    int best = -1;
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      if (o.fluency() >= MIN_FLUENCY && (best < 0 || o.concept() > outcomes.get(best).concept())) {
        best = i;
      }
    }
    return best;
  }

  /** Prints the survey of every concept of the testbed's grammar as a Markdown table. */
  public void print(PrintWriter out) {
    Kind[] kinds = Kind.values();
    int[] reached = new int[kinds.length];
    out.println("| concept | unsteered | additive (α/‖h‖) | slerp (a) | angular (θ) | plane (θ) |");
    out.println("|---|---|---|---|---|---|");
    int concepts = 0;
    for (ConceptFamily family : Testbed.grammar().families()) {
      for (Concept concept : family.concepts()) {
        concepts++;
        StringBuilder row = new StringBuilder("| " + concept.name() + " | "
            + outcome(concept, SteeringPlan.empty()) + " |");
        SteeringVector v = vector(concept);
        RotationPlane plane = plane(concept);
        for (int k = 0; k < kinds.length; k++) {
          List<Outcome> outcomes = sweep(kinds[k], concept, intervention(kinds[k], v, plane));
          int best = bestFluent(outcomes);
          if (best < 0) {
            row.append(" no fluent setting |");
            continue;
          }
          Outcome o = outcomes.get(best);
          boolean bar = o.meetsBar();
          reached[k] += bar ? 1 : 0;
          row.append(String.format(Locale.ROOT, " %s%s at %s%s |", bar ? "**" : "", o, fmt(kinds[k].grid[best]),
              bar ? "**" : ""));
        }
        out.println(row);
        out.flush();
      }
    }
    out.println();
    for (int k = 0; k < kinds.length; k++) {
      out.printf(Locale.ROOT, "%s: %d of %d concepts reach concept >= %.1f with fluency >= %.1f%n",
          kinds[k].name().toLowerCase(Locale.ROOT), reached[k], concepts, MIN_CONCEPT, MIN_FLUENCY);
    }
    out.flush();
  }

  private static String fmt(double s) {
    return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
  }

  /** Prints the survey at {@link Testbed#steeringLayer}, or after the block given as the one argument. */
  public static void main(String[] args) throws Exception {
    try (OnnxSteerableModel model = Testbed.open()) {
      HookPoint layer = Testbed.blockArgument(args, model, Testbed.steeringLayer(model).layer(),
          "SteeringSurvey [block index]");
      new SteeringSurvey(model, layer).print(new PrintWriter(System.out, true));
    }
  }
}
