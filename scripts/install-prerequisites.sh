#!/usr/bin/env bash
# Installs what FleetPulse's tests and demo need beyond a JDK: Prometheus (and promtool), VictoriaMetrics as a
# second remote-write receiver for the sink's tests, and Node.js, which the AWS CDK library runs on when the
# infrastructure module's tests synthesize the stack. Uses the system package manager when it can; otherwise says
# exactly what to install. Safe to run again: installed packages are left alone.
set -euo pipefail

missing=()
command -v prometheus >/dev/null 2>&1 || [ -n "${PROMETHEUS_BIN:-}" ] || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v victoria-metrics >/dev/null 2>&1 || [ -n "${VICTORIA_METRICS_BIN:-}" ] || missing+=(victoria-metrics)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
if [ ${#missing[@]} -eq 0 ]; then
  echo "Prerequisites present: $(prometheus --version 2>&1 | head -n 1)"
  exit 0
fi
# De-duplicate (prometheus may be listed twice).
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${packages}" >&2
  echo "Install Prometheus 2.42+ (with promtool), VictoriaMetrics and Node.js 18+ with your package manager, or download them and" >&2
  echo "set PROMETHEUS_BIN / VICTORIA_METRICS_BIN to the binaries. See docs/local-setup.md." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing: ${packages}; run as root: apt-get install -y --no-install-recommends ${packages}" >&2
    exit 1
  fi
fi
echo "Installing ${packages}with apt-get"
$sudo apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends ${packages} >/dev/null
# Where systemd runs, the Debian packages start services listening on all interfaces (Prometheus on 9090, which the
# demo uses). FleetPulse starts its own processes on 127.0.0.1, so stop the packaged services.
if command -v systemctl >/dev/null 2>&1; then
  for service in prometheus victoria-metrics; do
    if systemctl is-active --quiet "$service" 2>/dev/null; then
      $sudo systemctl disable --now "$service"
    fi
  done
fi
echo "Installed: $(prometheus --version 2>&1 | head -n 1)"
