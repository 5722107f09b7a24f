#!/bin/sh
# Event index benchmarks (SPEC section 7; figures in BENCHMARKS.md):
#  1. SearchIndexBuild: a fresh index of $EVENTS (default 10,000,000) parsed events spread over 3 days, built
#     the way the server's indexer thread does it (batches of 1,000, refresh every second, commit every 10 s):
#     sustained events/s, process CPU per event, bytes on disk per event. Target >= 100,000 events/s.
#  2. JMH SearchBench over that index, one thread, sample mode (p50/p90/p99): a term query (target <= 100 ms),
#     a text phrase, a CIDR query, a deep page, and one-day histograms (target <= 500 ms).
# The events are the shared bench workload (../shared/bench/gen/gen.py, 200,000 lines, seed 42, generated
# on first use) replayed with seq, ingest and event times spread over the days.
#   phosor-bench/run-search-bench.sh [extra JMH args]      e.g. -p query=term
#   EVENTS=1000000 INDEX_THREADS=1 REFRESH_MS=1000 SEARCH_EVERY_MS=1000 (0: nobody searches while it builds, so
#   refreshes are deferred as in an idle server); SKIP_BUILD_INDEX=1 reuses the index; SKIP_JMH=1.
# The index goes to phosor-bench/target/search-index (~3.5 GB for 10M events; the script checks free space).
set -eu
. "$(cd "$(dirname "$0")" && pwd)/bench-setup.sh"
events=${EVENTS:-10000000}
threads=${INDEX_THREADS:-2}
refresh=${REFRESH_MS:-1000}
search_every=${SEARCH_EVERY_MS:-1000}   # a dashboard searching every second keeps the refresh going; 0 = nobody searches
index="$here/target/search-index"
status=0
if [ "${SKIP_BUILD_INDEX:-0}" != 1 ]; then
  need_kb=$((events / 1000 * 500))   # ~350 bytes/event on disk, plus room for merges
  free_kb=$(df -Pk "$here/target" | awk 'NR == 2 { print $4 }')
  if [ "$free_kb" -lt "$need_kb" ]; then
    echo "not enough disk space for $events events: need ~$((need_kb / 1024)) MB free in $here/target, have $((free_kb / 1024)) MB" >&2
    exit 1
  fi
  "$JAVA_HOME/bin/java" -Xmx3g -cp target/phosor-bench.jar io.phosor.bench.SearchIndexBuild "$index" "$events" 3 \
    "$threads" 64 "$refresh" target/data/events-200k.log "$search_every" || status=$?
  du -sh "$index"
fi
if [ "${SKIP_JMH:-0}" != 1 ]; then
  "$JAVA_HOME/bin/java" -jar target/phosor-bench.jar SearchBench -p index="$index" -f 1 -wi 2 -w 5s -i 3 -r 10s \
    -t 1 "$@" || status=$?
fi
exit $status
