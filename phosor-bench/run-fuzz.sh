#!/bin/sh
# Coverage-guided fuzzing of the parsers with Jazzer (docs/fuzzing.md). Runs the @FuzzTest targets in
# fuzzing mode, one after the other (one JVM each), each for SECONDS (default 150).
#   phosor-bench/run-fuzz.sh [TARGET|all|list] [SECONDS] [extra Maven args, e.g. -o]
# Targets: syslog cef leef json framing hec rules sigma query.
# A finding (crash, failed property, hang over 5 s, out of memory) fails the run and is written as a file to
# the target's src/test/resources/.../<Class>Inputs/<method>/ directory, where `./mvnw verify` replays it from
# then on. The corpus a run grows is kept in <module>/.cifuzz-corpus/ (git-ignored) and reused next time.
set -eu
cd "$(cd "$(dirname "$0")/.." && pwd)"
. bin/find-jdk.sh
phosor_find_jdk

target=${1:-all}
seconds=${2:-150}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift

# target -> module and test (Class#method)
where() {
  case $1 in
    syslog|cef|leef|json) echo "phosor-parse io.phosor.parse.ParserFuzzTest#$1" ;;
    framing) echo "phosor-server io.phosor.ingest.syslog.SyslogFrameDecoderFuzzTest#frames" ;;
    hec) echo "phosor-server io.phosor.ingest.http.HecBodyFuzzTest#events" ;;
    rules) echo "phosor-engine io.phosor.detect.RuleParserFuzzTest#rules" ;;
    sigma) echo "phosor-sigma io.phosor.sigma.SigmaRulesFuzzTest#convert" ;;
    query) echo "phosor-search io.phosor.search.EventQueryParserFuzzTest#query" ;;
    *) return 1 ;;
  esac
}
all="syslog cef leef json framing hec rules sigma query"

case $target in
  list) echo "$all"; exit 0 ;;
  all) targets=$all ;;
  *) where "$target" >/dev/null || { echo "run-fuzz: unknown target '$target'; one of: $all, all, list" >&2; exit 2; }
     targets=$target ;;
esac
case $seconds in
  ''|*[!0-9]*) echo "run-fuzz: SECONDS must be a whole number, was '$seconds'" >&2; exit 2 ;;
esac

status=0
for t in $targets; do
  set -- $(where "$t") "$@"
  module=$1
  test=$2
  shift 2
  echo "run-fuzz: $t ($module $test) for ${seconds}s"
  start=$(date +%s)
  # JAZZER_FUZZ: fuzzing mode for the one selected test; JAZZER_MAX_DURATION overrides @FuzzTest(maxDuration).
  # jazzer.hooks=true: the instrumentation and bug detectors that junit-platform.properties turns off for
  # plain test runs; jazzer.instrument: coverage of every Phosor class, also those in upstream modules.
  # timeout.mode=disabled: JUnit must not apply the per-input @Timeout to the whole run (Jazzer does).
  if JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" ./mvnw -B -pl "$module" -am verify \
      -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true \
      -Djazzer.hooks=true -Djazzer.instrument='io.phosor.**' \
      -Djunit.jupiter.execution.timeout.mode=disabled "$@"; then
    echo "run-fuzz: $t: no finding in $(( $(date +%s) - start ))s"
  else
    echo "run-fuzz: $t: FINDING or failure after $(( $(date +%s) - start ))s (see above; inputs in $module/src/test/resources)"
    status=1
  fi
done
exit $status
