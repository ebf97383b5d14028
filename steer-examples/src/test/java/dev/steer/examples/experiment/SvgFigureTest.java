package dev.steer.examples.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SvgFigureTest {

  @Test
  void ticksCarryEnoughDecimalsToDifferFromTheirNeighbours() {
    assertEquals("1.005", SvgFigure.tick(1.005, 0.0025));
    assertEquals("0.5", SvgFigure.tick(0.5, 0.25));
    assertEquals("45", SvgFigure.tick(45, 24.5));
  }
}
