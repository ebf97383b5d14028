package dev.steer.metrics.distribution;

/**
 * The k best of a stream of (value, index) pairs in a bounded min-heap of primitives: O(n log k) time,
 * no allocation once the buffers have grown. Best means larger value; among equal values the lower
 * index, provided pairs are offered in increasing index order. Not thread-safe.
 */
final class TopK {

  private double[] values = new double[0];
  private int[] indices = new int[0];
  private int capacity;
  private int size;

  /** Empties the heap and sets how many pairs it keeps, growing the buffers if needed. */
  void reset(int capacity) {
    if (values.length < capacity) {
      values = new double[capacity];
      indices = new int[capacity];
    }
    this.capacity = capacity;
    this.size = 0;
  }

  /** Offers a pair; indices must increase from call to call for the tie rule to hold. */
  void offer(double value, int index) {
    if (size < capacity) {
      int i = size++;
      values[i] = value;
      indices[i] = index;
      siftUp(i);
    } else if (capacity > 0 && value > values[0]) {
      values[0] = value;
      indices[0] = index;
      siftDown(0);
    }
  }

  int size() {
    return size;
  }

  /** Value of the i-th kept pair (heap order, not sorted). */
  double value(int i) {
    return values[i];
  }

  /** Index of the i-th kept pair (heap order, not sorted). */
  int index(int i) {
    return indices[i];
  }

  /** True if pair a ranks below pair b: smaller value, or equal value and later index. */
  private boolean worse(int a, int b) {
    return values[a] < values[b] || (values[a] == values[b] && indices[a] > indices[b]);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(i, parent)) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && worse(left + 1, left) ? left + 1 : left;
      if (!worse(child, i)) {
        return;
      }
      swap(i, child);
      i = child;
    }
  }

  private void swap(int a, int b) {
    double v = values[a];
    values[a] = values[b];
    values[b] = v;
    int j = indices[a];
    indices[a] = indices[b];
    indices[b] = j;
  }
}
