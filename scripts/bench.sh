#!/usr/bin/env bash
# The benchmarks (npm run bench): on the test bed (3 hosts, then 20 for the preflight), the bundled action
# against the manual procedure of New API's update guide. Prints the table and writes bench/RESULTS.md
# (see bench/bench.mjs).
# Not part of .ci/run: it takes about 10 minutes and its figures depend on the machine.
#
# The bed is shared: the whole run holds /tmp/nau-bed.lock, as every user of the bed does. At the end the
# bed is put back as it was found: up with the same number of hosts (freshly started), or down.
#   BENCH_RUNS=5 BENCH_DOWNTIME_RUNS=10 BENCH_CLUSTER_RUNS=3 BENCH_COLD_RUNS=10   repetitions
#   BENCH_ACTION=path/to/index.js                          measure another bundle (default dist/index.js)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "the benchmarks need root (the test bed): sudo bash scripts/bench.sh" >&2; exit 2; }

LOCK=/tmp/nau-bed.lock
if [ "${NAU_BED_LOCKED:-}" != "$LOCK" ]; then
  if ! flock -n "$LOCK" true; then echo "[bench] waiting for the test bed lock ($LOCK): someone else is using the bed" >&2; fi
  exec env NAU_BED_LOCKED="$LOCK" flock "$LOCK" bash "$0" "$@"
fi

[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund
[ -f dist/index.js ] || npm run -s bundle

BED_DIR=${NAU_BED_DIR:-/var/lib/nau-bed}
before=0
if bash test/bed/bed.sh status >/dev/null 2>&1; then
  before=$(grep -c '"netns"' "$BED_DIR/state.json")
fi
restore() {
  if [ "$before" -gt 0 ]; then
    echo "[bench] putting the bed back: up with $before hosts" >&2
    bash test/bed/bed.sh up --hosts "$before" >/dev/null
  else
    bash test/bed/bed.sh down >/dev/null
  fi
}
trap restore EXIT

node bench/bench.mjs
