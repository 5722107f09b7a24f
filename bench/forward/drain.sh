#!/usr/bin/env bash
# Forwarding load run (BENCHMARKS.md): how fast one destination drains a journal backlog.
# Usage: bench/forward/drain.sh DATA_DIR DESTINATION EXPECTED_EVENTS
# Polls GET /api/forwarders until the destination's events cursor reaches EXPECTED_EVENTS, then prints the rate.
set -euo pipefail
data=$1; dest=$2; expected=$3
api=$(cat "$data/secrets/api.token")
start=$(date +%s.%N)
first=""
while true; do
  cursor=$(curl -s localhost:8000/api/forwarders -H "Authorization: Bearer $api" |
    python3 -c "import json,sys; d=json.load(sys.stdin); print([f for f in d['forwarders'] if f['name']=='$dest'][0]['streams']['events']['cursor'])")
  now=$(date +%s.%N)
  if [ -z "$first" ]; then first=$cursor; start=$now; fi
  if [ "$cursor" -ge "$expected" ]; then break; fi
  sleep 0.5
done
python3 - "$dest" "$first" "$cursor" "$start" "$now" <<'PY'
import sys
dest, first, cursor, start, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
n, t = cursor - first, now - start
print(f"{dest}: {n:,} events in {t:.1f} s = {n / t:,.0f} events/s")
PY
