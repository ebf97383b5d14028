package dev.steer.examples.cli;

import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Turns an {@link IllegalArgumentException} about a user's value into a usage error (exit 2). */
final class Usage {
  private Usage() {}

  static <T> T check(CommandSpec spec, Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
