package dev.steer.testbed.train;

/** The independent log-softmax the training tests score cross-entropy with. */
final class LogSoftmax {
  private LogSoftmax() {}

  /** ln softmax(logits)[index], computed around the maximum logit. */
  static double at(double[] logits, int index) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logits) {
      sum += Math.exp(l - max);
    }
    return logits[index] - max - Math.log(sum);
  }
}
