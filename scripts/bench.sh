#!/usr/bin/env bash
# npm run bench <name>: runs bench/<name>.ts (compiled) and writes bench/results/<name>-<date>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: npm run bench <name>   (names: $(ls bench/*.ts 2>/dev/null | xargs -n1 basename | sed 's/\.ts$//' | tr '\n' ' '))}
shift
# Quiet when setup succeeds; its output (tsc errors, say) when it fails, rather than a silent exit.
setup_log=$(mktemp)
trap 'rm -f "$setup_log"' EXIT
if ! bash scripts/setup.sh >"$setup_log" 2>&1; then
  echo "bench: scripts/setup.sh failed:" >&2
  tail -n 40 "$setup_log" >&2
  exit 1
fi
node --expose-gc "dist/bench/$name.js" "$@"
