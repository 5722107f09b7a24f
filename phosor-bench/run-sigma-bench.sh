#!/bin/sh
# Issue 8 benchmarks, one thread = one core: JMH SigmaBench.process (1,000 generated Sigma rules over the
# ../shared/bench workload, target >= 200,000 events/s) and SigmaBench.importRules (import of the 1,000 rules
# from YAML, target < 10 s; single shot, 10 measured imports after 3 warm-up imports).
#   phosor-bench/run-sigma-bench.sh [extra JMH args]
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench-setup.sh"
status=0
"$JAVA_HOME/bin/java" -jar target/phosor-bench.jar 'SigmaBench.process' -f 1 -wi 3 -w 3s -i 5 -r 5s -t 1 "$@" || status=$?
"$JAVA_HOME/bin/java" -jar target/phosor-bench.jar 'SigmaBench.importRules' -f 1 -wi 3 -i 10 -t 1 "$@" || status=$?
exit $status
