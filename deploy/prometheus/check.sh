#!/usr/bin/env bash
# Checks the Prometheus configuration and rules of lightbridge and runs the rule unit tests.
# Needs promtool (bash deploy/prometheus/install.sh).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; install it with: bash deploy/prometheus/install.sh" >&2
  exit 127
fi

promtool check config prometheus.yml
promtool check rules rules/*.yml
promtool test rules tests/*.test.yml
