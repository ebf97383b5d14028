package dev.steer.examples.http;

import dev.steer.extract.ExtractionMethod;
import dev.steer.extract.TokenPosition;
import dev.steer.hook.HookPoint;
import dev.steer.onnx.Activations;
import dev.steer.onnx.ComparedGeneration;
import dev.steer.onnx.SteerableModel;
import dev.steer.onnx.generate.Generation;
import dev.steer.onnx.generate.GenerationConfig;
import dev.steer.onnx.generate.TokenListener;
import dev.steer.plan.ModelShape;
import dev.steer.plan.SteeringPlan;
import dev.steer.vector.SteeringVector;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A model whose first generate call signals {@link #entered} and then waits for {@link #release}; later calls
 * and everything else delegate directly.
 */
final class GatedModel implements SteerableModel {
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  private final SteerableModel delegate;
  private final java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);

  GatedModel(SteerableModel delegate) {
    this.delegate = delegate;
  }

  @Override
  public Generation generate(String prompt, SteeringPlan plan, GenerationConfig config, TokenListener listener) {
    if (first.getAndSet(false)) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return delegate.generate(prompt, plan, config, listener);
  }

  @Override
  public Generation generate(int[] promptIds, SteeringPlan plan, GenerationConfig config, TokenListener listener) {
    return delegate.generate(promptIds, plan, config, listener);
  }

  @Override
  public ModelShape shape() {
    return delegate.shape();
  }

  @Override
  public int[] encode(String text) {
    return delegate.encode(text);
  }

  @Override
  public String decode(int[] tokens) {
    return delegate.decode(tokens);
  }

  @Override
  public List<Generation> generateBatch(List<String> prompts, List<SteeringPlan> plans, GenerationConfig config) {
    return delegate.generateBatch(prompts, plans, config);
  }

  @Override
  public ComparedGeneration generateCompared(
      String prompt, SteeringPlan plan, GenerationConfig config, Set<HookPoint> captures) {
    return delegate.generateCompared(prompt, plan, config, captures);
  }

  @Override
  public Activations capture(String text, Collection<HookPoint> hookPoints, SteeringPlan plan) {
    return delegate.capture(text, hookPoints, plan);
  }

  @Override
  public Activations capture(int[] tokens, Collection<HookPoint> hookPoints, SteeringPlan plan) {
    return delegate.capture(tokens, hookPoints, plan);
  }

  @Override
  public float[][] logits(int[] tokens, int promptLength, SteeringPlan plan) {
    return delegate.logits(tokens, promptLength, plan);
  }

  @Override
  public SteeringVector extract(List<String> positives, List<String> negatives, HookPoint hookPoint,
      ExtractionMethod method, TokenPosition position) {
    return delegate.extract(positives, negatives, hookPoint, method, position);
  }

  @Override
  public void close() {}
}
