package dev.steer.onnx.graph;

import static dev.steer.onnx.Theories.qt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.longs;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.steer.hook.HookPoint;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Laws of the compiled interventions over many parameter values, each kind in ONE session: the values are
 * graph inputs, so changing them needs no new session.
 */
class InterventionPropertiesTest {
  private static final int D = TinyTransformers.HIDDEN;
  private static final HookPoint HOOK = HookPoint.residPost(0);
  private static final float[][] ALL = {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}};
  private static final Map<InterventionKind, OrtSession> SESSIONS = new EnumMap<>(InterventionKind.class);

  @BeforeAll
  static void compile() throws OrtException {
    TinyTransformers.TinyModel tiny = TinyTransformers.preNorm(1, TinyTransformers.Norm.LAYER_NORM_OP, 30);
    ResidualStreamMap map = ResidualStreamMap.discover(tiny.model());
    for (InterventionKind kind : List.of(
        InterventionKind.PLANE_ROTATION, InterventionKind.ANGULAR_ROTATION, InterventionKind.ABLATION, InterventionKind.CLAMP)) {
      SESSIONS.put(kind, Ort.session(GraphRewriter.rewrite(tiny.model(), map, List.of(HOOK), List.of(slot(kind)))));
    }
  }

  @AfterAll
  static void close() throws OrtException {
    for (OrtSession s : SESSIONS.values()) {
      s.close();
    }
    SESSIONS.clear();
  }

  @Test
  void planeRotationKeepsTheNormOfEveryRow() {
    qt(50)
        .forAll(doubles().between(-360, 360), longs().all())
        .checkAssert((degrees, seed) -> orFail(() -> planeRotationKeepsNorms(degrees, seed)));
  }

  private static void planeRotationKeepsNorms(double degrees, long seed) throws OrtException {
    Map<SteeringParameter, Object> v = rotation(InterventionKind.PLANE_ROTATION, degrees, seed);

    assertNormsKept(run(InterventionKind.PLANE_ROTATION, v, SteeringFixtures.NO_MASK), run(InterventionKind.PLANE_ROTATION, v, ALL));
  }

  @Test
  void angularRotationKeepsTheNormOfEveryRow() {
    qt(50)
        .forAll(doubles().between(0, 360), booleans().all(), longs().all())
        .checkAssert(
            (degrees, adaptive, seed) -> orFail(() -> angularRotationKeepsNorms(degrees, adaptive, seed)));
  }

  private static void angularRotationKeepsNorms(double degrees, boolean adaptive, long seed) throws OrtException {
    Map<SteeringParameter, Object> v = rotation(InterventionKind.ANGULAR_ROTATION, degrees, seed);
    v.put(SteeringParameter.ADAPTIVE, adaptive ? 1f : 0f);

    assertNormsKept(
        run(InterventionKind.ANGULAR_ROTATION, v, SteeringFixtures.NO_MASK), run(InterventionKind.ANGULAR_ROTATION, v, ALL));
  }

  @Test
  void planeRotationByZeroDegreesIsExactlyTheIdentity() {
    qt(20).forAll(longs().all()).checkAssert(seed -> orFail(() -> zeroDegreesIsTheIdentity(seed)));
  }

  private static void zeroDegreesIsTheIdentity(long seed) throws OrtException {
    Map<SteeringParameter, Object> v = rotation(InterventionKind.PLANE_ROTATION, 0, seed);

    float[][][] before = run(InterventionKind.PLANE_ROTATION, v, SteeringFixtures.NO_MASK);
    float[][][] after = run(InterventionKind.PLANE_ROTATION, v, ALL);

    for (int b = 0; b < before.length; b++) {
      for (int t = 0; t < before[b].length; t++) {
        assertArrayEquals(before[b][t], after[b][t]);
      }
    }
  }

  @Test
  void fullAblationLeavesNoComponentAlongTheDirection() {
    qt(50).forAll(longs().all()).checkAssert(seed -> orFail(() -> fullAblationLeavesNoComponent(seed)));
  }

  private static void fullAblationLeavesNoComponent(long seed) throws OrtException {
    Map<SteeringParameter, Object> v = SteeringFixtures.values(InterventionKind.ABLATION, D, seed);
    v.put(SteeringParameter.STRENGTH, 1f);

    assertComponent(run(InterventionKind.ABLATION, v, ALL), (float[]) v.get(SteeringParameter.DIRECTION), 0);
  }

  @Test
  void clampSetsTheComponentAlongTheDirection() {
    qt(50)
        .forAll(floats().between(-20, 20), longs().all())
        .checkAssert((value, seed) -> orFail(() -> clampSetsTheComponent(value, seed)));
  }

  private static void clampSetsTheComponent(float value, long seed) throws OrtException {
    Map<SteeringParameter, Object> v = SteeringFixtures.values(InterventionKind.CLAMP, D, seed);
    v.put(SteeringParameter.VALUE, value);

    assertComponent(run(InterventionKind.CLAMP, v, ALL), (float[]) v.get(SteeringParameter.DIRECTION), value);
  }

  /** A step of a property that talks to ONNX Runtime. */
  private interface OrtStep {
    void run() throws OrtException;
  }

  /** Runs {@code step}, failing the case if ONNX Runtime throws. */
  private static void orFail(OrtStep step) {
    try {
      step.run();
    } catch (OrtException e) {
      throw new AssertionError("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static SteeringSlot slot(InterventionKind kind) {
    return SteeringSlot.of(HOOK, kind);
  }

  private static Map<SteeringParameter, Object> rotation(InterventionKind kind, double degrees, long seed) {
    Map<SteeringParameter, Object> v = SteeringFixtures.values(kind, D, seed);
    v.put(SteeringParameter.COS_THETA, (float) Math.cos(Math.toRadians(degrees)));
    v.put(SteeringParameter.SIN_THETA, (float) Math.sin(Math.toRadians(degrees)));
    return v;
  }

  private static float[][][] run(InterventionKind kind, Map<SteeringParameter, Object> values, float[][] mask)
      throws OrtException {
    return Ort.run(SESSIONS.get(kind), SteeringFixtures.inputs(slot(kind), mask, List.of(values))).get(HOOK.name());
  }

  private static void assertComponent(float[][][] rows, float[] direction, double expected) {
    double[] u = ReferenceSteering.unit(SteeringFixtures.toDouble(direction));
    for (float[][] batch : rows) {
      for (float[] row : batch) {
        assertEquals(expected, ReferenceSteering.dot(SteeringFixtures.toDouble(row), u), 1e-5 * (1 + Math.abs(expected)));
      }
    }
  }

  private static void assertNormsKept(float[][][] before, float[][][] after) {
    for (int b = 0; b < before.length; b++) {
      for (int t = 0; t < before[b].length; t++) {
        double n0 = norm(before[b][t]);
        assertEquals(n0, norm(after[b][t]), 1e-5 * (1 + n0));
      }
    }
  }

  private static double norm(float[] row) {
    double[] d = SteeringFixtures.toDouble(row);
    return Math.sqrt(ReferenceSteering.dot(d, d));
  }
}
