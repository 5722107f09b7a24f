#!/bin/sh
# Runs the parse + normalize + redact JMH benchmark (one thread = one core) over the shared bench
# workload. Generates the workload on first use with ../shared/bench/gen/gen.py (seed 42).
#   phosor-bench/run-ingest-bench.sh [extra JMH args]
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench-setup.sh"
exec "$JAVA_HOME/bin/java" -jar target/phosor-bench.jar IngestBench -f 1 -wi 3 -w 3s -i 5 -r 5s -t 1 "$@"
