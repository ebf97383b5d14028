package dev.steer.metrics.features;

import com.google.common.collect.ImmutableList;

/** One matrix of a schema with the steps (rows) and layer offsets (columns) it has there. */
record Block(Matrix matrix, ImmutableList<Integer> steps, ImmutableList<Integer> offsets) {

  String name() {
    return matrix.prefix;
  }
}
