#!/bin/sh
# Runs the parse + normalize + redact JMH benchmark (one thread = one core) over the shared bench
# workload. Generates the workload on first use with ../shared/bench/gen/gen.py (seed 42).
#   phosor-bench/run-ingest-bench.sh [extra JMH args]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/bin/find-jdk.sh"
phosor_find_jdk
data="$here/target/data/events-200k.log"
gen="${PHOSOR_BENCH_GEN:-$root/../shared/bench/gen/gen.py}"
if [ ! -f "$data" ]; then
  mkdir -p "$(dirname "$data")"
  echo "generating the workload with $gen" >&2
  python3 "$gen" --events 200000 --seed 42 --out "$data" >&2
fi
(cd "$root" && ./mvnw -q -B -DskipTests -pl phosor-bench -am package) >&2
cd "$here"
exec "$JAVA_HOME/bin/java" -jar target/phosor-bench.jar IngestBench -f 1 -wi 3 -w 3s -i 5 -r 5s -t 1 "$@"
