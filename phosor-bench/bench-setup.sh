# Sourced by the run-*-bench.sh scripts: finds a JDK >= 21, generates the shared workload on first use
# (../shared/bench/gen/gen.py, 200,000 lines, seed 42) and builds the benchmark jar. Sets $here, $root, $data.
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
