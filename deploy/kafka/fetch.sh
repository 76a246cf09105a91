#!/usr/bin/env bash
# Fetch the Kafka broker and its runtime classpath into deploy/kafka/lib/ with Maven.
# Idempotent: a second run finds the stamp of the first in lib/ and returns at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/lib/.fetched"

# The stamp stores a hash of pom.xml, so editing a version refetches.
pom_hash="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$pom_hash" ]]; then
  exit 0
fi

if ! command -v mvn >/dev/null 2>&1; then
  echo "fetch.sh: mvn not found on PATH; install Maven 3.8 or newer" >&2
  exit 1
fi

# A version change leaves old jars behind, and two versions of one jar on
# the classpath break the broker, so start from an empty folder.
rm -rf "$here/lib"
log="$(mktemp)"
if ! mvn -B -q -f "$here/pom.xml" dependency:copy-dependencies >"$log" 2>&1; then
  echo "fetch.sh: Maven failed to fetch the Kafka broker; its output follows" >&2
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

echo "$pom_hash" >"$stamp"
