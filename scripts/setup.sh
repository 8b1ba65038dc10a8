#!/usr/bin/env bash
# Everything a fresh clone needs before Baton runs: Node packages, the compiled CLI, the Go-built parts and
# the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing Node packages (npm ci)"
  npm ci --no-audit --no-fund
else
  echo "==> Node packages up to date"
fi
# bin/baton.js runs the compiled CLI in dist/; it is rebuilt whenever a source is newer.
node scripts/build.js --if-stale
bash scripts/build-tools.sh all

bash scripts/install-debian-packages.sh
