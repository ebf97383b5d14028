#!/usr/bin/env bash
# Regenerates the shipped testbed model: trains it from scratch (seed 1, 2400 steps, early exits after the
# two middle blocks; about 11 minutes on 2 cores), then exports it through Steer's ONNX writer into the
# class-path resources of steer-examples.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -ntp install -DskipTests
./mvnw -B -q -ntp -pl steer-examples dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/classpath.txt
# The class path goes in CLASSPATH: ONNX Runtime crashes at start-up in JVMs with very long command lines.
export CLASSPATH="steer-examples/target/classes:$(cat steer-examples/target/classpath.txt)"
resources=steer-examples/src/main/resources/dev/steer/testbed
out="$(mktemp -d)"
# seed 1, 2400 steps, batch 32, lr 3e-3, d=64, 4 blocks, no sliding window, early exits after blocks 1, 2
OMP_NUM_THREADS=1 java -Xss16m dev.steer.testbed.train.TestbedTrainer "$out" 1 2400 32 3e-3 64 4 0 4 1:0.5,2:0.5
cp "$out/testbed-gpt2.weights" "$resources/testbed-gpt2.weights"
java -Xss16m dev.steer.testbed.TestbedExport "$resources/testbed-gpt2.weights" "$resources/model"
echo "regenerated $resources; rebuild with ./mvnw -B -ntp install -DskipTests"
