package dev.steer.onnx.runtime;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Where ONNX Runtime executes: the CPU (default) or a CUDA GPU. CUDA needs the
 * {@code com.microsoft.onnxruntime:onnxruntime_gpu} artifact on the class path instead of
 * {@code onnxruntime}, a CUDA driver and a GPU; opening a model on CUDA without them fails with a
 * {@link ModelLoadException} that says so.
 *
 * @param cuda true for the CUDA execution provider
 * @param deviceId the CUDA device ordinal
 * @param memoryLimitBytes the CUDA arena limit, 0 for ONNX Runtime's default (no limit)
 * @param intraOpThreads CPU threads per operator, 0 for ONNX Runtime's default (all cores)
 * @param prepackWeights whether ONNX Runtime re-lays out matrix weights per session for faster kernels (its
 *     default, true). Every compiled plan shape is a session, and the pre-packed copies are most of what a
 *     new shape costs in memory; false trades some speed for that memory (docs/performance.md)
 */
public record ExecutionDevice(boolean cuda, int deviceId, long memoryLimitBytes, int intraOpThreads,
    boolean prepackWeights) {

  /** Validates. */
  public ExecutionDevice {
    checkArgument(deviceId >= 0, "deviceId must be >= 0: %s", deviceId);
    checkArgument(memoryLimitBytes >= 0, "memoryLimitBytes must be >= 0: %s", memoryLimitBytes);
    checkArgument(intraOpThreads >= 0, "intraOpThreads must be >= 0: %s", intraOpThreads);
  }

  /** The CPU with ONNX Runtime's default threading. */
  public static ExecutionDevice cpu() {
    return new ExecutionDevice(false, 0, 0, 0, true);
  }

  /** The CPU with a fixed number of threads per operator. */
  public static ExecutionDevice cpu(int intraOpThreads) {
    return new ExecutionDevice(false, 0, 0, intraOpThreads, true);
  }

  /** CUDA device {@code deviceId} without a memory limit. */
  public static ExecutionDevice cuda(int deviceId) {
    return new ExecutionDevice(true, deviceId, 0, 0, true);
  }

  /** CUDA device {@code deviceId} with an arena limit in bytes. */
  public static ExecutionDevice cuda(int deviceId, long memoryLimitBytes) {
    return new ExecutionDevice(true, deviceId, memoryLimitBytes, 0, true);
  }

  /** This device with ONNX Runtime's per-session weight pre-packing turned off (see {@link #prepackWeights}). */
  public ExecutionDevice withoutWeightPrepacking() {
    return new ExecutionDevice(cuda, deviceId, memoryLimitBytes, intraOpThreads, false);
  }

  @Override
  public String toString() {
    return cuda ? "cuda:" + deviceId : "cpu";
  }
}
