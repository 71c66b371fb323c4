#!/usr/bin/env bash
# FleetPulse demo: a real Kafka and Prometheus on 127.0.0.1, the three Flink jobs, live aggregates in the terminal.
# Builds what it needs on first use; installs Prometheus with the system package manager when it is missing.
# Ctrl-C stops everything it started. Options: ./demo.sh --help
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/install-prerequisites.sh

echo "Building the jobs and the demo (the first build downloads dependencies; later ones take about a minute)..."
./mvnw -q -B -pl demo -am package dependency:build-classpath -Dmaven.test.skip=true \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

mkdir -p demo/target
exec java -Xmx3g -XX:+UseParallelGC -Dfleetpulse.demo.log=demo/target/demo.log \
  -cp "demo/target/classes:$(cat demo/target/classpath.txt)" dev.fleetpulse.demo.Demo "$@"
