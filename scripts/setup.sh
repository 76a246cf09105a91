#!/usr/bin/env bash
# Installs everything lightbridge needs on a fresh machine with Node.js 20+ and Python 3.11 (and
# Java 17 and Maven for the Kafka tests). It installs pnpm and the workspace's packages, the
# trainer's Python environment, the Kafka broker's jars and, for the monitoring tests, Debian's
# Prometheus, which needs root for apt-get. Safe to run again; finished steps are quick.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
  echo "setup: installing pnpm $PNPM_VERSION with npm"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

echo "setup: installing Node.js packages"
pnpm install --frozen-lockfile

if [[ -f services/trainer/setup.sh ]]; then
  echo "setup: preparing the trainer's Python environment"
  bash services/trainer/setup.sh
fi

if [[ -f deploy/kafka/fetch.sh ]]; then
  echo "setup: fetching the Kafka broker's jars with Maven"
  bash deploy/kafka/fetch.sh
fi

if [[ -f deploy/prometheus/install.sh ]]; then
  echo "setup: installing Prometheus and promtool (Debian package)"
  if ! bash deploy/prometheus/install.sh; then
    # Classifying needs no Prometheus, so only CI, which runs the monitoring tests, stops here.
    if [[ "${CI:-}" == "true" ]]; then exit 1; fi
    echo "setup: Prometheus is not installed; the monitoring tests will be skipped" >&2
  fi
fi
