#!/usr/bin/env bash
# Stop a broker started by start.sh and delete its state folder, including the data
# folder unless start.sh was given --data. Stopping a broker that is not running succeeds.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: stop.sh [--port N] [--timeout SECONDS]

  --port N           client port given to start.sh, default 9092
  --timeout SECONDS  how long to wait for a clean shutdown before SIGKILL, default 30
USAGE
}

port=9092
timeout_s=30

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --timeout) timeout_s="${2:?--timeout needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "stop.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

for value in "$port" "$timeout_s"; do
  if ! [[ "$value" =~ ^[0-9]+$ ]]; then
    echo "stop.sh: '$value' is not a whole number; pass the port and the timeout as digits" >&2
    exit 2
  fi
done

state_dir="${TMPDIR:-/tmp}/lightbridge-kafka-$port"
pid_file="$state_dir/kafka.pid"

if [[ ! -d "$state_dir" ]]; then
  echo "stop.sh: no broker state in $state_dir; nothing to stop on port $port" >&2
  exit 0
fi

# Signal the pid only while it is still this broker: after a crash the kernel may have
# given the same pid to an unrelated process.
is_our_broker() {
  local cmdline
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" || return 1
  [[ "$cmdline" == *kafka.Kafka*"$state_dir/server.properties"* ]]
}

if [[ -f "$pid_file" ]]; then
  pid="$(cat "$pid_file")"

  if is_our_broker "$pid"; then
    kill -TERM "$pid"
    deadline=$(( $(date +%s) + timeout_s ))
    while is_our_broker "$pid" && [[ $(date +%s) -lt $deadline ]]; do
      sleep 0.2
    done

    if is_our_broker "$pid"; then
      echo "stop.sh: broker pid $pid did not stop within $timeout_s s; sending SIGKILL. The end of its log follows" >&2
      tail -n 20 "$state_dir/kafka.log" >&2 || true
      kill -KILL "$pid" 2>/dev/null || true
      while is_our_broker "$pid"; do
        sleep 0.1
      done
    fi
  fi
fi

# A --data folder belongs to the caller and stays; the temporary one sits inside state_dir.
rm -rf "$state_dir"
echo "stop.sh: Kafka broker on port $port stopped" >&2
