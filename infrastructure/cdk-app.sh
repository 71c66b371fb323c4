#!/bin/sh
# The CDK app as cdk.json runs it: the classes and the class path that Maven built. Building is a separate step
# (from the repository root: ./mvnw -B -pl infrastructure -am package -DskipTests) because it also shades the three
# jobs' jars, which takes minutes; `cdk diff` or `cdk synth` after an edit of the stack needs only the module.
set -e
cd "$(dirname "$0")"
if [ ! -f target/cdk-classpath.txt ] || [ ! -d target/classes ]; then
  echo "FleetPulse: the CDK app is not built. From the repository root run:" >&2
  echo "  ./mvnw -B -pl infrastructure -am package -DskipTests" >&2
  exit 1
fi
exec java -cp "target/classes:$(cat target/cdk-classpath.txt)" dev.fleetpulse.infrastructure.FleetPulseApp
