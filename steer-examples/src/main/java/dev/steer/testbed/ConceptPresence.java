package dev.steer.testbed;

import static com.google.common.base.Preconditions.checkArgument;

import dev.steer.extract.ExtractionMethod;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.Activations;
import dev.steer.onnx.runtime.OnnxSteerableModel;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where, and at which positions, the testbed model holds each concept: the measurements behind the
 * choice of steering layer and of early exits in docs/testbed.md.
 *
 * <p>For a target concept, its {@value SteeringSurvey#PAIRS} contrastive pairs and a block output, with
 * d the mean-difference vector of {@link ConceptVectors} (read at the positions just before a word of the
 * target's family, the <em>slots</em>) and h̄ the mean residual norm there ({@link Testbed#residualNorm}):
 *
 * <ul>
 *   <li><b>relative norm</b> ‖d‖ / h̄: near 0 where the block does not yet tell the target's stories from
 *       the others';
 *   <li><b>slot projection</b>: per story, the mean of h·d̂ over its slot positions, averaged over the
 *       target's stories and over the others'. Their difference is ‖d‖ exactly, since d is the
 *       difference of these mean rows;
 *   <li><b>elsewhere projection</b>: the same over every other position after the family's first word,
 *       where the story's concept is already set. Near the slot values, the block carries the concept
 *       along the whole story; near 0 for both, it computes the concept only where a family word is
 *       next, so an edit along d at every position writes a feature the model has at one position per
 *       sentence.
 * </ul>
 *
 * <p>Run: {@code java dev.steer.testbed.ConceptPresence [block]} with steer-examples on the class path:
 * relative norms at every block output, then projections and per-slot residual norms at the given block
 * (default 2, the later middle block).
 */
public final class ConceptPresence {

  /** The label of positions whose next word belongs to no concept family. */
  public static final String FILLER = "filler";

  /** How a concept shows at one hook point; projections in the units of the activations. */
  public record Reading(HookPoint hookPoint, double relativeNorm, double slotTarget, double slotOthers,
      double elsewhereTarget, double elsewhereOthers) {}

  private static final int SLOT = 0;
  private static final int ELSEWHERE = 1;

  private ConceptPresence() {}

  /** The readings of {@code target} at each of {@code hookPoints}, from {@code pairs}. */
  public static List<Reading> read(OnnxSteerableModel model, StoryGrammar grammar, Concept target,
      List<ContrastivePair> pairs, List<HookPoint> hookPoints) {
    checkArgument(!pairs.isEmpty(), "no contrastive pairs for %s", target);
    List<SteeringVector> differences =
        ConceptVectors.extract(model, grammar, target, pairs, hookPoints, ExtractionMethod.MEAN_DIFFERENCE);
    List<float[]> units = differences.stream().map(d -> d.unit().toArray()).toList();
    Set<String> family = grammar.family(target.family()).allWords();
    // [hook][0 target, 1 others][SLOT, ELSEWHERE]: sums over stories of per-story means, and how many
    // stories have positions of each kind (the same at every hook)
    double[][][] sums = new double[hookPoints.size()][2][2];
    int[][] stories = new int[2][2];
    for (ContrastivePair pair : pairs) {
      for (int side = 0; side < 2; side++) {
        String text = side == 0 ? pair.positive().text() : pair.negative().text();
        Activations captured = model.capture(text, hookPoints, SteeringPlan.empty());
        int[] kinds = positionKinds(text.split(" "), family);
        for (int h = 0; h < hookPoints.size(); h++) {
          float[][] rows = captured.at(hookPoints.get(h));
          checkTokens(rows, kinds.length, text);
          for (int where = 0; where < 2; where++) {
            double mean = meanProjection(rows, kinds, where, units.get(h));
            sums[h][side][where] += Double.isNaN(mean) ? 0 : mean;
            stories[side][where] += h == 0 && !Double.isNaN(mean) ? 1 : 0;
          }
        }
      }
    }
    List<Reading> readings = new ArrayList<>();
    for (int h = 0; h < hookPoints.size(); h++) {
      double norm = Testbed.residualNorm(model, hookPoints.get(h));
      readings.add(new Reading(hookPoints.get(h), differences.get(h).norm() / norm,
          sums[h][0][0] / stories[0][0], sums[h][1][0] / stories[1][0],
          sums[h][0][1] / stories[0][1], sums[h][1][1] / stories[1][1]));
    }
    return readings;
  }

  /**
   * Mean ‖h‖ at {@code hookPoint} over the positions before a word of each family (in the grammar's order)
   * and before any other word ({@value #FILLER}), over the positive stories of {@code pairs}.
   */
  public static Map<String, Double> residualNormBeforeFamily(OnnxSteerableModel model, StoryGrammar grammar,
      List<ContrastivePair> pairs, HookPoint hookPoint) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    grammar.families().forEach(f -> sums.put(f.name(), new double[2]));
    sums.put(FILLER, new double[2]);
    for (ContrastivePair pair : pairs) {
      String text = pair.positive().text();
      float[][] rows = model.capture(text, List.of(hookPoint), SteeringPlan.empty()).at(hookPoint);
      String[] words = text.split(" ");
      checkTokens(rows, words.length, text);
      for (int w = 0; w < words.length; w++) {
        double[] sum = sums.get(grammar.conceptOf(words[w]).map(Concept::family).orElse(FILLER));
        sum[0] += norm(rows[w]);
        sum[1]++;
      }
    }
    Map<String, Double> means = new LinkedHashMap<>();
    sums.forEach((name, sum) -> means.put(name, sum[0] / sum[1]));
    return means;
  }

  /**
   * Per word of a story: {@link #SLOT} if it belongs to {@code family}, {@link #ELSEWHERE} if it comes
   * after the family's first word, else -1. Word w's kind describes row w, the token before it.
   */
  private static int[] positionKinds(String[] words, Set<String> family) {
    int[] kinds = new int[words.length];
    boolean conceptSet = false;
    for (int w = 0; w < words.length; w++) {
      boolean slot = family.contains(words[w]);
      kinds[w] = slot ? SLOT : conceptSet ? ELSEWHERE : -1;
      conceptSet |= slot;
    }
    return kinds;
  }

  /** The mean of row·unit over the rows of kind {@code where}; NaN if there are none. */
  private static double meanProjection(float[][] rows, int[] kinds, int where, float[] unit) {
    double sum = 0;
    int count = 0;
    for (int w = 0; w < kinds.length; w++) {
      if (kinds[w] == where) {
        sum += dot(rows[w], unit);
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  private static void checkTokens(float[][] rows, int words, String text) {
    checkArgument(rows.length == words + 1,
        "expected <bos> plus one token per word for '%s', got %s tokens", text, rows.length);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static double norm(float[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** Prints the three tables for every concept of the testbed's grammar (see the class Javadoc). */
  public static void print(OnnxSteerableModel model, HookPoint block, PrintWriter out) {
    StoryGrammar grammar = Testbed.grammar();
    List<HookPoint> blocks = new ArrayList<>();
    for (int layer = 0; layer < model.shape().layers(); layer++) {
      blocks.add(HookPoint.residPost(layer));
    }
    checkArgument(blocks.contains(block), "%s is not a block output of this model", block);
    StringBuilder header = new StringBuilder("| concept |");
    blocks.forEach(b -> header.append(' ').append(b.name()).append(" |"));
    List<String> norms = new ArrayList<>(List.of(header.toString(), "|---|" + "---|".repeat(blocks.size())));
    List<String> projections = new ArrayList<>(List.of(
        "| concept | slot: target / others | elsewhere: target / others |", "|---|---|---|"));
    for (ConceptFamily family : grammar.families()) {
      for (Concept concept : family.concepts()) {
        List<Reading> readings = read(model, grammar, concept,
            ContrastivePrompts.pairs(grammar, concept, SteeringSurvey.PAIRS, 1), blocks);
        StringBuilder row = new StringBuilder("| " + concept.name() + " |");
        readings.forEach(r -> row.append(String.format(Locale.ROOT, " %.2f |", r.relativeNorm())));
        norms.add(row.toString());
        Reading r = readings.get(blocks.indexOf(block));
        projections.add(String.format(Locale.ROOT, "| %s | %.1f / %.1f | %.1f / %.1f |", concept.name(),
            r.slotTarget(), r.slotOthers(), r.elsewhereTarget(), r.elsewhereOthers()));
      }
    }
    out.println("Relative norm ‖d‖ / h̄ of each concept's mean-difference vector:");
    norms.forEach(out::println);
    out.printf(Locale.ROOT, "%nMean projection on d̂ at %s (h̄ = %.1f):%n", block.name(),
        Testbed.residualNorm(model, block));
    projections.forEach(out::println);
    out.printf(Locale.ROOT, "%nMean ‖h‖ at %s before a word of each family:%n", block.name());
    out.println("| next word | ‖h‖ |");
    out.println("|---|---|");
    Concept any = grammar.families().get(0).concepts().get(0);
    residualNormBeforeFamily(model, grammar, ContrastivePrompts.pairs(grammar, any, 64, 1), block)
        .forEach((name, n) -> out.printf(Locale.ROOT, "| %s | %.1f |%n", name, n));
    out.flush();
  }

  /** Prints the tables; the one optional argument is the block index for the last two. */
  public static void main(String[] args) throws Exception {
    try (OnnxSteerableModel model = Testbed.open()) {
      HookPoint block = Testbed.blockArgument(args, model, 2, "ConceptPresence [block index]");
      print(model, block, new PrintWriter(System.out, true));
    }
  }
}
