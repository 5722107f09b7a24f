#!/usr/bin/env bash
# Phosor's adapter for the side-by-side harness (/work/shared/bench, README "Plugging in an engine").
#
#   bench/phosor-adapter.sh [--alerts-out FILE] DATA_FILE
#       replays DATA_FILE with bench/rules (R1-R3) and prints "ALERTS R1=<n> R2=<n> R3=<n>" on stdout,
#       the replay summary (with process_ms=) on stderr; --alerts-out writes "<rule>\t<line_no>" per alert.
#   PHOSOR_CMD=/path/to/bench/phosor-adapter.sh  (for the harness's engines/phosor.sh, which runs
#       "$PHOSOR_CMD replay --rules $PHOSOR_RULES $PHOSOR_ARGS DATA_FILE"): same thing; the leading
#       "replay" is accepted and --rules/--year/--alerts-out are honoured.
#
# Runs the built jar (phosor-server/target/phosor.jar; build: ./mvnw -q -DskipTests -pl phosor-server -am package)
# with a JDK >= 21 found by bin/find-jdk.sh. JVM flags: PHOSOR_BENCH_JAVA_OPTS (default -Xmx2g).
# Extra replay flags: PHOSOR_BENCH_REPLAY_ARGS (e.g. --no-redact).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
rules=$here/rules
year=${YEAR:-2024}
alerts_out=/dev/null
data=""
[ "${1:-}" = replay ] && shift
while [ $# -gt 0 ]; do
  case $1 in
    --alerts-out) alerts_out=$2; shift 2 ;;
    --rules) rules=$2; shift 2 ;;
    --year) year=$2; shift 2 ;;
    --no-builtin) shift ;;
    -*) echo "phosor-adapter: unknown option $1" >&2; exit 2 ;;
    *) data=$1; shift ;;
  esac
done
[ -n "$data" ] || { echo "usage: $0 [--alerts-out FILE] DATA_FILE" >&2; exit 2; }
# The harness's default PHOSOR_RULES ($BENCH_DIR/phosor/rules) does not exist: use ours then.
[ -e "$rules" ] || rules=$here/rules
. "$root/bin/find-jdk.sh"
phosor_find_jdk >&2 || { echo "SKIP: no JDK >= 21 found"; exit 99; }
jar=$root/phosor-server/target/phosor.jar
[ -f "$jar" ] || { echo "SKIP: $jar is not built (./mvnw -q -DskipTests -pl phosor-server -am package)"; exit 99; }
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
rc=0
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${PHOSOR_BENCH_JAVA_OPTS:--Xmx2g} -jar "$jar" replay --no-builtin --rules "$rules" \
  --year "$year" --alerts-format tsv --alerts-out "$alerts_out" ${PHOSOR_BENCH_REPLAY_ARGS:-} "$data" 2> "$summary" || rc=$?
cat "$summary" >&2
[ "$rc" = 0 ] || exit "$rc"
awk '/^alerts_per_rule/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); c[kv[1]] = kv[2] } }
     END { printf "ALERTS R1=%s R2=%s R3=%s\n", ("R1" in c) ? c["R1"] : "-", ("R2" in c) ? c["R2"] : "-", ("R3" in c) ? c["R3"] : "-" }' "$summary"
