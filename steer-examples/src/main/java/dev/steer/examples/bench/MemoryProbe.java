package dev.steer.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of the process's memory: resident set (VmRSS) and its peak (VmHWM) from
 * {@code /proc/self/status} (−1 where that file does not exist), and the Java heap in use after a GC.
 *
 * @param rssKb resident set size, KiB
 * @param anonRssKb its anonymous part (RssAnon: heap, native allocations), KiB, where leaks show; the rest
 *     is mostly file-backed (memory-mapped weights), whose pages the kernel may drop and re-read
 * @param peakRssKb peak resident set size so far, KiB
 * @param heapUsedBytes heap in use after {@link System#gc()}
 * @param heapCommittedBytes heap the JVM holds from the OS (part of the resident set; it shrinks and grows
 *     with GCs, so native growth is best read as the change in RSS minus this)
 */
record MemoryProbe(long rssKb, long anonRssKb, long peakRssKb, long heapUsedBytes, long heapCommittedBytes) {

  /** Reads now, after asking for a GC so that heap figures compare across readings. */
  static MemoryProbe read() {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new MemoryProbe(statusField("VmRSS:"), statusField("RssAnon:"), statusField("VmHWM:"), heap.getUsed(),
        heap.getCommitted());
  }

  private static long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  double rssMib() {
    return rssKb / 1024.0;
  }

  double anonRssMib() {
    return anonRssKb / 1024.0;
  }

  double peakRssMib() {
    return peakRssKb / 1024.0;
  }

  /** Resident memory outside the Java heap (approximately: RSS minus the committed heap), MiB. */
  double nonHeapResidentMib() {
    return rssKb / 1024.0 - heapCommittedBytes / (1024.0 * 1024.0);
  }

  double heapMib() {
    return heapUsedBytes / (1024.0 * 1024.0);
  }
}
