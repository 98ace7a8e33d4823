#!/usr/bin/env sh
# Runs the malformed-input fuzz test with 1,000 cases per endpoint (npm test runs 40).
set -eu
cd "$(dirname "$0")/.."
VITE_FUZZ_RUNS="${VITE_FUZZ_RUNS:-1000}" exec npx vitest run test/fuzz/malformed-input.test.ts "$@"
