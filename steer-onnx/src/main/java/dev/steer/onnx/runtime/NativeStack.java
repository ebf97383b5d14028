package dev.steer.onnx.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs model loading on a thread with a large stack. Loading ONNX Runtime and then the tokenizer's native
 * library can overflow the default 1 MiB main-thread stack of some JVMs (observed: a SIGSEGV with no error
 * file when the JVM's command line is long, e.g. a {@code -cp} of several kilobytes), which would take the
 * whole process down; a 16 MiB stack for this one-off work avoids it whatever the caller's thread.
 */
final class NativeStack {
  static final long STACK_BYTES = 16L << 20;

  private NativeStack() {}

  interface Loader<T> {
    T load() throws ModelLoadException;
  }

  static <T> T call(Loader<T> loader) throws ModelLoadException {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        result.set(loader.load());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "steer-model-loader", STACK_BYTES);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // loading cannot be abandoned half-way: finish, then restore the flag
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof ModelLoadException m) {
      throw m;
    } else if (e instanceof RuntimeException r) {
      throw r;
    } else if (e instanceof Error err) {
      throw err;
    } else if (e != null) {
      throw new IllegalStateException(e);
    }
    return result.get();
  }
}
