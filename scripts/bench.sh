#!/usr/bin/env bash
# npm run bench <name>: runs bench/<name>.ts (compiled) and writes bench/results/<name>-<date>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: npm run bench <name>   (names: $(ls bench/*.ts 2>/dev/null | xargs -n1 basename | sed 's/\.ts$//' | tr '\n' ' '))}
shift
bash scripts/setup.sh >/dev/null
exec node --expose-gc "dist/bench/$name.js" "$@"
