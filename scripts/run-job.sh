#!/usr/bin/env bash
# Runs one FleetPulse job locally, on its own Flink MiniCluster bound to 127.0.0.1, against the local stack
# (Kafka 127.0.0.1:9092, Prometheus 127.0.0.1:9090) or any other brokers given as --Group.key overrides.
#   scripts/run-job.sh vehicle-event-generator --web-ui 8081 --DataGen.events.per.sec 500
#   scripts/run-job.sh pre-processor --web-ui 8082 --metrics-port 9250
#   scripts/run-job.sh raw-event-writer --config my-properties.json
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A main_class=(
  [vehicle-event-generator]=dev.fleetpulse.generator.VehicleEventGeneratorJob
  [pre-processor]=dev.fleetpulse.preprocessor.PreProcessorJob
  [raw-event-writer]=dev.fleetpulse.rawwriter.RawEventWriterJob
  [local-stack]=dev.fleetpulse.localstack.LocalStack
)
job=${1:-}
if [ -z "$job" ] || [ -z "${main_class[$job]:-}" ]; then
  echo "Usage: $0 {vehicle-event-generator|pre-processor|raw-event-writer|local-stack} [job arguments]" >&2
  exit 64
fi
shift

# Flink is a provided dependency of the jobs (the cluster brings it); a local run needs it on the class path, so the
# class path includes the provided scope ("compile" in the dependency plugin's terms).
./mvnw -q -B -pl "$job" -am package dependency:build-classpath -Dmaven.test.skip=true \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=compile
exec java -Xmx2g -cp "$job/target/classes:$(cat "$job/target/run-classpath.txt")" "${main_class[$job]}" "$@"
