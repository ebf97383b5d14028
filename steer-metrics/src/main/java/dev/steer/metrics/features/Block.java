package dev.steer.metrics.features;

import java.util.List;

/** One (step × layer-offset) feature matrix of the schema: its name prefix, rows and columns. */
record Block(String name, List<Integer> steps, List<Integer> offsets) {

  boolean isEmpty() {
    return steps.isEmpty() || offsets.isEmpty();
  }
}
