#!/bin/sh
# Runs the detection engine benchmarks (SPEC section 11), one thread = one core:
#  1. JMH EngineBench over the ../shared/bench workload (parsed once in setup; only Engine.process is timed):
#     generatedRules=100 (built-in pack + 100 mixed rules, target >= 1,000,000 events/s) and
#     generatedRules=1000 (built-in pack + 1,000 rules, target >= 200,000 events/s);
#  2. EngineMemoryBench with -Xmx512m: 1,000,000 active group keys must fit (exit code 1 otherwise).
# Generates the workload on first use with ../shared/bench/gen/gen.py (seed 42).
#   phosor-bench/run-engine-bench.sh [extra JMH args]      e.g. -p generatedRules=100
#   SKIP_JMH=1 / SKIP_MEMORY=1 to run only one part.
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench-setup.sh"
status=0
if [ "${SKIP_JMH:-0}" != 1 ]; then
  "$JAVA_HOME/bin/java" -jar target/phosor-bench.jar EngineBench -f 1 -wi 3 -w 3s -i 5 -r 5s -t 1 "$@" || status=$?
fi
if [ "${SKIP_MEMORY:-0}" != 1 ]; then
  "$JAVA_HOME/bin/java" -Xmx512m -cp target/phosor-bench.jar io.phosor.bench.EngineMemoryBench 1000000 || status=$?
fi
exit $status
