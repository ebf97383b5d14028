package dev.steer.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jSmokeTest {
  @Test
  void nd4jMultipliesMatrices() {
    var a = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}});
    assertEquals(7.0, a.mmul(a).getDouble(0, 0), 1e-12);
  }
}
