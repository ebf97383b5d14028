package dev.steer.examples.bench;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on, read from {@code /proc} and the JVM ("unknown" off Linux). */
final class MachineInfo {

  private MachineInfo() {}

  static String cpuModel() {
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  static String memTotal() {
    for (String line : lines("/proc/meminfo")) {
      if (line.startsWith("MemTotal:")) {
        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(java.util.Locale.ROOT, "%.1f GiB", kb / (1024.0 * 1024.0));
      }
    }
    return "unknown";
  }

  /** The 1-, 5- and 15-minute load averages. */
  static String loadAverage() {
    List<String> l = lines("/proc/loadavg");
    if (l.isEmpty()) {
      return "unknown";
    }
    String[] f = l.get(0).split("\\s+");
    return f[0] + " " + f[1] + " " + f[2];
  }

  static String summary() {
    return "- CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical cores (nproc)\n"
        + "- RAM: " + memTotal() + "\n"
        + "- Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n"
        + "- ONNX Runtime: " + OrtEnvironment.getEnvironment().getVersion() + "\n"
        + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\n";
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
