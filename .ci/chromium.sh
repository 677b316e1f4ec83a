#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser tests (playwright-core drives
# /usr/bin/chromium) when it is missing. Idempotent and quiet: nothing to do when the
# binary is there; otherwise one apt-get run whose output goes to a log shown on failure.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: present ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  exit 0
fi
log=$(mktemp)
echo "chromium: installing with apt-get"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "chromium: apt-get install failed" >&2
  exit 1
fi
rm -f "$log"
echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
