#!/bin/sh
# Soak test: a real `./phosor serve` on a fresh data directory and free ports, `./phosor load` at a fixed
# rate for a number of minutes with latency markers, and every SOAK_INTERVAL seconds a sample of the
# server's heap, resident memory, open file handles and threads and of the load tool's marker latency
# (event-to-alert, per interval), and twice (after the first part and at the end) the old generation right
# after a forced full GC (jcmd GC.run: the live heap). Writes a CSV and prints a summary: the first against the last part of
# the run (5 minutes each, or a third of a shorter run), flat or growing.
#
#   phosor-bench/run-soak.sh [minutes] [rate]      defaults: 30 minutes at 1000 events/s
#
# 1000 events/s is about half of what the 2-core benchmark machine keeps alerts current at with the built-in
# rules and playbooks running (the load tool's event mix raises about one alert per two events; the alert
# path, not ingestion, is the limit), the load tool on the same machine; see BENCHMARKS.md, "Soak". Give
# your own machine's half.
# Environment (all optional):
#   SOAK_PROTOCOL      tcp (default), udp, http or hec
#   SOAK_INTERVAL      seconds between samples (default 30)
#   SOAK_MARKER_EVERY  every N-th event is a latency marker (default 1000)
#   SOAK_OUT           output directory (default phosor-bench/target/soak-<UTC time>)
#   SOAK_KEEP_DATA     1 keeps the server's data directory (default: removed at the end)
#   SOAK_SERVER_ENV    extra settings for the server, e.g. "PHOSOR_BUILTIN_RULES=false"
#   PHOSOR_JAVA_OPTS   JVM options of both processes (default of ./phosor: -Xms256m -Xmx2g -XX:+UseG1GC)
# The load tool measures latency with its own clock against the server's alert times: it runs on the
# server's host here, so both use the same clock.
set -eu
minutes=${1:-30}
rate=${2:-1000}
interval=${SOAK_INTERVAL:-30}
protocol=${SOAK_PROTOCOL:-tcp}
every=${SOAK_MARKER_EVERY:-1000}
case "$minutes$rate$interval$every" in
  *[!0-9]*) echo "usage: $0 [minutes] [rate] (whole numbers; SOAK_INTERVAL and SOAK_MARKER_EVERY too)" >&2; exit 2 ;;
esac
[ "$minutes" -ge 1 ] && [ "$interval" -ge 1 ] || { echo "minutes and SOAK_INTERVAL must be >= 1" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=${SOAK_OUT:-$root/phosor-bench/target/soak-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
data=$(mktemp -d "${TMPDIR:-/tmp}/phosor-soak.XXXXXX")
csv="$out/soak.csv"

# Two free ports (bound then released; another process could take one in between, then start-up fails clearly).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
http_port=$(free_port)
syslog_port=$(free_port)
case "$protocol" in
  tcp|udp) target_port=$syslog_port ;;
  http|hec) target_port=$http_port ;;
  *) echo "SOAK_PROTOCOL must be tcp, udp, http or hec, was $protocol" >&2; exit 2 ;;
esac

server_pid=""
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ "${SOAK_KEEP_DATA:-0}" = 1 ] || rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# build once up front (./phosor builds when sources changed), so neither process below builds
"$root/phosor" --version >/dev/null

echo "soak: $minutes min at $rate events/s over $protocol; server on HTTP $http_port, syslog $syslog_port;" \
  "data in $data; output in $out"
# shellcheck disable=SC2086 # SOAK_SERVER_ENV is a list of NAME=value words
env PHOSOR_DATA_DIR="$data" PHOSOR_HTTP_HOST=127.0.0.1 PHOSOR_HTTP_PORT="$http_port" \
  PHOSOR_SYSLOG_HOST=127.0.0.1 PHOSOR_SYSLOG_PORT="$syslog_port" PHOSOR_RATE_LIMIT_PER_SECOND=0 \
  PHOSOR_ADMIN_PASSWORD="soak-admin-$(date +%s)-password" ${SOAK_SERVER_ENV:-} \
  "$root/phosor" serve >"$out/server.log" 2>&1 &
server_pid=$!   # ./phosor execs java: this is the server's JVM

i=0
until curl -fsS "http://127.0.0.1:$http_port/health" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -ge 120 ] || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "soak: the server did not become healthy; its log:" >&2
    tail -n 30 "$out/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
token=$(cat "$data/secrets/api.token")

"$root/phosor" load --protocol "$protocol" --port "$target_port" --rate "$rate" --duration $((minutes * 60)) \
  --batch 100 --token-file "$data/secrets/ingest.token" --api-token-file "$data/secrets/api.token" \
  --stats-port "$http_port" --marker-every "$every" --progress "$interval" --json \
  >"$out/load-report.txt" 2>"$out/load-progress.txt" &
load_pid=$!

# heap used (all heap pools: a sawtooth) and the old generation (what survives collections: a leak shows
# there as steady growth), in MB, from /metrics (Micrometer's jvm_memory_used_bytes)
heap() {
  curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$http_port/metrics" 2>/dev/null | awk '
    /^jvm_memory_used_bytes\{.*area="heap"/ { used += $NF; if ($0 ~ /Old Gen|Tenured/) old += $NF }
    END { printf "%.1f,%.1f", used / 1048576, old / 1048576 }'
}

# the old generation right after a full collection (jcmd GC.run): what is really live. Taken twice (after the
# first window and at the end), since each one pauses the server once.
. "$root/bin/find-jdk.sh"
phosor_find_jdk >/dev/null 2>&1 || true
live_heap() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/jcmd" "$server_pid" GC.run >/dev/null 2>&1; then
    sleep 2
    heap | cut -d, -f2
  else
    echo "n/a"
  fi
}
live_first=""
window_s=$((minutes * 60 >= 900 ? 300 : minutes * 20))

echo "elapsed_s,heap_used_mb,heap_old_gen_mb,rss_mb,open_fds,threads,events_sent,interval_rate,markers_received,interval_p50_ms,interval_p99_ms,interval_max_ms" >"$csv"
start=$(date +%s)
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$interval"
  kill -0 "$server_pid" 2>/dev/null || { echo "soak: the server died; see $out/server.log" >&2; exit 1; }
  now=$(($(date +%s) - start))
  fds=$(ls "/proc/$server_pid/fd" 2>/dev/null | wc -l)
  rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$server_pid/status")
  # the load tool's latest progress line: sent=.. rate=.. markers_received=.. p50_ms=.. p99_ms=.. max_ms=..
  prog=$(grep '^progress ' "$out/load-progress.txt" 2>/dev/null | tail -n 1 | awk '{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%s,%s,%s,%s,%s,%s", v["sent"], v["rate"], v["markers_received"], v["p50_ms"], v["p99_ms"], v["max_ms"] }')
  line="$now,$(heap),$rss,$fds,$threads,${prog:-,,,,,}"
  echo "$line" >>"$csv"
  echo "soak: $line"
  if [ -z "$live_first" ] && [ "$now" -ge "$window_s" ]; then
    live_first=$(live_heap)
    echo "soak: live heap (old generation after a full GC) at ${now} s: $live_first MB"
  fi
done
live_last=$(live_heap)
echo "soak: live heap (old generation after a full GC) at the end: $live_last MB"
wait "$load_pid" || echo "soak: the load tool exited with $? (see $out/load-report.txt)" >&2
load_pid=""

echo
echo "load tool report:"
cat "$out/load-report.txt"
grep -v '^progress ' "$out/load-progress.txt" >&2 || true
echo
# first vs last window: 5 minutes each, or a third of a shorter run
awk -F, -v window=$((minutes * 60 >= 900 ? 300 : minutes * 20)) -v total=$((minutes * 60)) '
  NR == 1 { next }
  { t = $1
    if (t <= window) { n1++; h1 += $2; l1 += $3; r1 += $4; f1 += $5; th1 += $6; if ($11 >= 0 && $11 != "") { p1 += $11; q1++ } }
    if (t > total - window) { n2++; h2 += $2; l2 += $3; r2 += $4; f2 += $5; th2 += $6; if ($11 >= 0 && $11 != "") { p2 += $11; q2++ } } }
  function verdict(a, b, slack) { return (b <= a * 1.10 + slack) ? "flat" : "growing" }
  END {
    if (n1 == 0 || n2 == 0) { print "soak: too few samples for a summary (run longer or lower SOAK_INTERVAL)"; exit }
    printf "summary (mean of the first %d s vs the last %d s; %d and %d samples):\n", window, window, n1, n2
    printf "  heap used        %8.1f MB -> %8.1f MB  %s (a sawtooth: see the old generation)\n", h1 / n1, h2 / n2, verdict(h1 / n1, h2 / n2, 64)
    printf "  old generation   %8.1f MB -> %8.1f MB  %s\n", l1 / n1, l2 / n2, verdict(l1 / n1, l2 / n2, 32)
    printf "  resident memory  %8.1f MB -> %8.1f MB  %s\n", r1 / n1, r2 / n2, verdict(r1 / n1, r2 / n2, 64)
    printf "  open files       %8.1f    -> %8.1f     %s\n", f1 / n1, f2 / n2, verdict(f1 / n1, f2 / n2, 4)
    printf "  threads          %8.1f    -> %8.1f     %s\n", th1 / n1, th2 / n2, verdict(th1 / n1, th2 / n2, 2)
    if (q1 > 0 && q2 > 0)
      printf "  marker p99       %8.1f ms -> %8.1f ms  %s\n", p1 / q1, p2 / q2, verdict(p1 / q1, p2 / q2, 20)
  }' "$csv" | tee "$out/summary.txt"
awk -v a="${live_first:-n/a}" -v b="$live_last" 'BEGIN {
  if (a == "n/a" || b == "n/a") { print "  live heap        (not measured: no jcmd)"; exit }
  printf "  live heap        %8.1f MB -> %8.1f MB  %s (old generation after a full GC, after the first window and at the end)\n",
    a, b, (b <= a * 1.10 + 8) ? "flat" : "growing" }' | tee -a "$out/summary.txt"
echo "samples: $csv"
