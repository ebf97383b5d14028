package dev.steer.examples.cli;

import java.io.PrintWriter;

/** A one-line text progress bar redrawn in place with carriage returns; not thread-safe. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final int total;
  private int done;

  ProgressBar(PrintWriter err, int total) {
    this.err = err;
    this.total = total;
  }

  /** Counts one finished unit of work and redraws with {@code label}. */
  void step(String label) {
    done++;
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + label
        + "   ");
    if (done == total) {
      err.println();
    }
    err.flush();
  }
}
