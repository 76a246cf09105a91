#!/usr/bin/env bash
# Start a single-node Kafka broker (KRaft, combined broker and controller) on 127.0.0.1.
# Run fetch.sh first. The broker runs in the background; stop it with stop.sh --port N.
# On success the last line on stdout is the bootstrap address, for example 127.0.0.1:9092;
# progress messages go to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  cat <<'USAGE'
usage: start.sh [--port N] [--controller-port N] [--data DIR] [--timeout SECONDS] [--config KEY=VALUE]...

  --port N             client (PLAINTEXT) port on 127.0.0.1, default 9092
  --controller-port N  KRaft controller port on 127.0.0.1, default port + 1
  --data DIR           log.dirs folder, kept by stop.sh and reused on the next start;
                       default: a temporary folder that stop.sh deletes
  --timeout SECONDS    how long to wait for the broker to respond, default 120
  --config KEY=VALUE   extra server.properties line, repeatable; overrides the defaults

Environment: JAVA_HOME (Java 17 or newer), KAFKA_HEAP_OPTS (default -Xms128m -Xmx512m).
Runtime files (server.properties, kafka.pid, kafka.log) go to ${TMPDIR:-/tmp}/lightbridge-kafka-PORT.
USAGE
}

port=9092
controller_port=""
data_dir=""
timeout_s=120
extra_config=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --controller-port) controller_port="${2:?--controller-port needs a value}"; shift 2 ;;
    --data) data_dir="${2:?--data needs a value}"; shift 2 ;;
    --timeout) timeout_s="${2:?--timeout needs a value}"; shift 2 ;;
    --config) extra_config+=("${2:?--config needs KEY=VALUE}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

for value in "$port" "${controller_port:-0}" "$timeout_s"; do
  if ! [[ "$value" =~ ^[0-9]+$ ]]; then
    echo "start.sh: '$value' is not a whole number; pass ports and the timeout as digits" >&2
    exit 2
  fi
done

controller_port="${controller_port:-$((port + 1))}"

for entry in "${extra_config[@]}"; do
  if [[ "$entry" != *=* ]]; then
    echo "start.sh: --config '$entry' has no '='; pass it as KEY=VALUE" >&2
    exit 2
  fi
done

# --- Preconditions: Java, the fetched classpath, free ports -----------------------------

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java_bin" >/dev/null 2>&1; then
  echo "start.sh: java not found (JAVA_HOME='${JAVA_HOME:-}'); install Java 17 or newer" >&2
  exit 1
fi

# `java -version` prints e.g. 'openjdk version "17.0.15"' or '"1.8.0_392"' on stderr.
java_major="$("$java_bin" -version 2>&1 | sed -n 's/.* version "\([0-9]*\)[."].*/\1/p' | head -1)"
if [[ -z "$java_major" || "$java_major" -lt 17 ]]; then
  echo "start.sh: Kafka 4 brokers need Java 17 or newer, but $java_bin is version '${java_major:-unknown}'; set JAVA_HOME" >&2
  exit 1
fi

if [[ ! -f "$here/lib/.fetched" ]]; then
  echo "start.sh: $here/lib is missing or incomplete; run $here/fetch.sh first" >&2
  exit 1
fi

state_dir="${TMPDIR:-/tmp}/lightbridge-kafka-$port"
pid_file="$state_dir/kafka.pid"

if [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "start.sh: a broker from start.sh already runs on port $port (pid $(cat "$pid_file")); stop it with $here/stop.sh --port $port" >&2
  exit 1
fi

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for p in "$port" "$controller_port"; do
  if port_open "$p"; then
    echo "start.sh: port $p on 127.0.0.1 is already in use; pick others with --port and --controller-port" >&2
    exit 1
  fi
done

# --- State folder and server.properties ------------------------------------------------

# A state folder left by a broker that died is stale: clear it before reuse.
rm -rf "$state_dir"
mkdir -p "$state_dir"

if [[ -z "$data_dir" ]]; then
  data_dir="$state_dir/data"
fi
mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"

cat >"$state_dir/server.properties" <<PROPERTIES
# Written by deploy/kafka/start.sh: one node that is both broker and KRaft controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$data_dir

# Topics are created explicitly by the services and tests, so a mistyped topic name
# fails instead of silently creating a one-partition topic.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1

# Internal topics: one replica and few partitions, because there is one node.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# Consumer groups form at once instead of waiting 3 s for more members.
group.initial.rebalance.delay.ms=0

# Small segments and buffers: test topics hold little data, and the heap is small.
log.segment.bytes=16777216
log.retention.hours=24
log.retention.check.interval.ms=60000
log.cleaner.dedupe.buffer.size=16777216

# Few threads: the machine has 2 cores shared with the tests.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
PROPERTIES

if [[ ${#extra_config[@]} -gt 0 ]]; then
  printf '\n# From --config options; later lines override earlier ones.\n' >>"$state_dir/server.properties"
  printf '%s\n' "${extra_config[@]}" >>"$state_dir/server.properties"
fi

# --- Format storage and start ------------------------------------------------------------

log_file="$state_dir/kafka.log"
classpath="$here/lib/*"
log4j_opts=("-Dlog4j2.configurationFile=$here/log4j2.properties")
started_at="$(date +%s%N)"

# A --data folder formatted by an earlier start keeps its cluster id and its topics;
# formatting it again with a new id would fail.
if [[ -f "$data_dir/meta.properties" ]]; then
  echo "start.sh: reusing the formatted storage in $data_dir" >&2
else
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding
  # (22 characters). Kafka avoids ids that start with '-' because they read as options.
  cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done

  if ! "$java_bin" "${log4j_opts[@]}" -Dkafka.log.level=warn -cp "$classpath" kafka.tools.StorageTool format \
      --cluster-id "$cluster_id" --config "$state_dir/server.properties" >>"$log_file" 2>&1; then
    echo "start.sh: formatting KRaft storage in $data_dir failed; the end of $log_file follows" >&2
    tail -n 30 "$log_file" >&2
    exit 1
  fi
fi

# KAFKA_HEAP_OPTS is split into words on purpose because it contains several JVM flags.
# shellcheck disable=SC2086
nohup "$java_bin" ${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m} \
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true "${log4j_opts[@]}" \
  -cp "$classpath" kafka.Kafka "$state_dir/server.properties" \
  </dev/null >>"$log_file" 2>&1 &
broker_pid=$!
echo "$broker_pid" >"$pid_file"

fail_start() {
  echo "start.sh: $1; the end of $log_file follows" >&2
  tail -n 40 "$log_file" >&2
  kill "$broker_pid" 2>/dev/null || true
  exit 1
}

# --- Wait until the broker responds to a Kafka request ---------------------------------

deadline=$(( $(date +%s) + timeout_s ))

# Cheap TCP check first, so the slower Kafka probe below starts only once.
until port_open "$port"; do
  if ! kill -0 "$broker_pid" 2>/dev/null; then
    fail_start "the broker (pid $broker_pid) exited during startup"
  fi
  if [[ $(date +%s) -ge $deadline ]]; then
    fail_start "the broker did not open port $port within $timeout_s s"
  fi
  sleep 0.2
done

# ClusterTool sends a DescribeCluster request, which a broker serves only after it has
# joined its KRaft quorum. The Admin client retries until its API timeout.
remaining_ms=$(( (deadline - $(date +%s)) * 1000 ))
if [[ $remaining_ms -lt 5000 ]]; then
  remaining_ms=5000
fi
printf 'default.api.timeout.ms=%s\nrequest.timeout.ms=5000\n' "$remaining_ms" >"$state_dir/probe.properties"

if ! probe_output="$("$java_bin" "${log4j_opts[@]}" -Dkafka.log.level=warn -Xmx128m -cp "$classpath" org.apache.kafka.tools.ClusterTool \
    cluster-id --bootstrap-server "127.0.0.1:$port" --command-config "$state_dir/probe.properties" 2>&1)"; then
  echo "$probe_output" >>"$log_file"
  fail_start "the broker on 127.0.0.1:$port did not respond to a DescribeCluster request within $timeout_s s"
fi

elapsed_ms=$(( ($(date +%s%N) - started_at) / 1000000 ))
echo "start.sh: Kafka broker up on 127.0.0.1:$port (controller $controller_port, pid $broker_pid) in $((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 )) s; ${probe_output}; log $log_file" >&2
echo "127.0.0.1:$port"
