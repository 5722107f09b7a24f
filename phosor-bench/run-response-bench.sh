#!/bin/sh
# From alert to notification sent (issue 6; figure in BENCHMARKS.md): starts local stand-ins for Slack, Teams,
# PagerDuty, the signed webhook, a SCIM server (HTTP) and GreenMail (SMTP), then a real './phosor serve' with all
# of them configured and the default playbooks, sends sshd failures from ATTACKERS distinct addresses (5 lines
# each, ATTACKERS_PER_SECOND addresses per second) over syslog TCP, and reports, per channel, the time from the
# alert being stored to the notification being accepted by the receiving server (p50/p90/p99/max).
#   phosor-bench/run-response-bench.sh            ATTACKERS=200 ATTACKERS_PER_SECOND=20
# Target: p99 < 1 s with all integrations enabled. Work files (data dir, phosor.log) in phosor-bench/target/response-bench.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/bin/find-jdk.sh"
phosor_find_jdk
(cd "$root" && ./mvnw -q -B -DskipTests -pl phosor-bench,phosor-server -am package) >&2
work="$here/target/response-bench"
rm -rf "$work"
mkdir -p "$work"
exec "$JAVA_HOME/bin/java" -cp "$here/target/phosor-bench.jar" io.phosor.bench.ResponseLatencyBench "$root/phosor" \
  "$work" "${ATTACKERS:-200}" "${ATTACKERS_PER_SECOND:-20}"
