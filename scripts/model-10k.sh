#!/usr/bin/env sh
# Runs the organization model-based test with 10,000 random command sequences (npm test runs 200).
#   VITE_MODEL_SEED=<n>      replays the seed fast-check reported for a failure
#   VITE_MODEL_MINUTES=<m>   stops after m minutes and reports how many sequences ran
set -eu
cd "$(dirname "$0")/.."
VITE_MODEL_RUNS="${VITE_MODEL_RUNS:-10000}" exec npx vitest run test/model/org-model.test.ts -t "agrees with the Worker" "$@"
