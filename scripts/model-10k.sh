#!/usr/bin/env sh
# Runs the organization model-based test with 10,000 random command sequences (npm test runs 200),
# split over MODEL_SHARDS processes, each its own workerd, D1 and users (independent runs of the
# same property with different seeds). Default: at least 2 (both cores), and at most 2,500
# sequences a shard: every org is a new Durable Object whose SQLite files stay open, and one
# workerd ran out of file handles (SQLITE_CANTOPEN, ulimit -n 20000) after ~4,500 sequences.
#   VITE_MODEL_RUNS=<n>      total sequences (default 10000)
#   VITE_MODEL_SEED=<n>      replays the seed a failing shard reported (runs one shard)
#   VITE_MODEL_MINUTES=<m>   stops after m minutes and reports how many sequences ran
#   MODEL_SHARDS=<k>         processes in parallel
set -eu
cd "$(dirname "$0")/.."
RUNS="${VITE_MODEL_RUNS:-10000}"
SHARDS="${MODEL_SHARDS:-$(( (RUNS + 2499) / 2500 > 2 ? (RUNS + 2499) / 2500 : 2 ))}"
if [ -n "${VITE_MODEL_SEED:-}" ]; then SHARDS=1; fi
BASE="${VITE_MODEL_SEED:-$(od -An -N3 -tu4 /dev/urandom | tr -d ' ')}"
LOGS="$(mktemp -d)"
started=$(date +%s)
i=0
while [ "$i" -lt "$SHARDS" ]; do
  runs=$((RUNS / SHARDS + (i < RUNS % SHARDS ? 1 : 0)))
  seed=$((BASE + i))
  echo "shard $i: $runs sequences, seed $seed (replay: VITE_MODEL_SEED=$seed VITE_MODEL_RUNS=$runs sh $0)"
  VITE_MODEL_RUNS="$runs" VITE_MODEL_SEED="$seed" npx vitest run test/model/org-model.test.ts -t "agrees with the Worker" --silent=false "$@" >"$LOGS/$i.log" 2>&1 &
  echo $! >"$LOGS/$i.pid"
  i=$((i + 1))
done
failed=0
i=0
while [ "$i" -lt "$SHARDS" ]; do
  if wait "$(cat "$LOGS/$i.pid")"; then status=passed; else status=FAILED; failed=1; fi
  echo "---- shard $i $status"
  if [ "$status" = passed ]; then grep -a -E "model: |^  [a-zA-Z]+ [0-9]{3}" "$LOGS/$i.log" | grep -a -v "so far" || true; else cat "$LOGS/$i.log"; fi
  i=$((i + 1))
done
echo "model-10k: $RUNS sequences in $SHARDS shards, $(($(date +%s) - started)) s wall, logs in $LOGS"
exit "$failed"
