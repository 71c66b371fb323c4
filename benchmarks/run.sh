#!/usr/bin/env bash
# Runs a FleetPulse benchmark from source. Compiles what it needs first (no tests, no jars).
#   benchmarks/run.sh jmh [JMH options, e.g. JsonCodecBenchmark -f 1]     JMH micro-benchmarks
#   benchmarks/run.sh <HarnessClass> [args]                               an end-to-end harness in dev.fleetpulse.benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,4p' "$0"; exit 2; }

# One invocation, so the class path names the freshly compiled classes of the project's own modules (compile,
# not package: the jobs' shaded jars would put every dependency on the class path twice).
./mvnw -q -B -o -pl benchmarks -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

what=$1; shift
java_opts=(-Xmx4g -XX:+UseParallelGC ${BENCH_JAVA_OPTS:-})
if [ "$what" = jmh ]; then
  exec java "${java_opts[@]}" -cp "$cp" org.openjdk.jmh.Main "$@"
fi
exec java "${java_opts[@]}" -cp "$cp" "dev.fleetpulse.benchmarks.$what" "$@"
