#!/usr/bin/env bash
# The whole suite: unit tests (beside the code) and integration tests (test/), against the
# compiled JavaScript. Fails loudly: each test file has a hard timeout, the run a global one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
files=$(find dist/src dist/test -name '*.test.js' | sort)
if [ -z "$files" ]; then echo "no test files found" >&2; exit 1; fi
# Test files run two at a time (2 cores); each file gets 10 minutes at most.
exec timeout --kill-after=30 1800 node --test --test-concurrency=2 --test-timeout=600000 $files
