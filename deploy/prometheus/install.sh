#!/usr/bin/env bash
# Installs Debian's prometheus package, which ships both `prometheus` and `promtool`, for the
# rule checks and for tests that start their own Prometheus on 127.0.0.1.
# Idempotent: does nothing when promtool is already on PATH. The package's own system service is
# never left running, because tests start Prometheus themselves with a temporary config and data
# folder, and a service on port 9090 would only take memory and a port.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  echo "prometheus: already installed ($(promtool --version 2>&1 | head -n 1))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "prometheus: installing needs root; run this script as root or with sudo" >&2
  exit 1
fi

# policy-rc.d exit code 101 makes invoke-rc.d (used by the package's postinst) skip starting the
# service. Only create the file when none exists, and remove only the file this script created.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=true
fi
cleanup() {
  if [ "$created_policy" = true ]; then rm -f "$policy"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends prometheus

# Stop and disable the service in case an existing policy-rc.d allowed the package to start it.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus.service >/dev/null 2>&1 || true
else
  if [ -x /etc/init.d/prometheus ]; then /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
  if command -v update-rc.d >/dev/null 2>&1; then update-rc.d prometheus disable >/dev/null 2>&1 || true; fi
fi

echo "prometheus: installed ($(promtool --version 2>&1 | head -n 1))"
