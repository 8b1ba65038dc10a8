#!/usr/bin/env bash
# Everything a fresh clone needs before Baton runs: Node packages, the Go-built parts and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> installing Node packages (npm ci)"
  npm ci --no-audit --no-fund
else
  echo "==> Node packages up to date"
fi
bash scripts/build-tools.sh all

# The sandbox's redis (Argo CD's cache) is Debian's redis-server, run as /usr/bin/redis-server.
if [ ! -x /usr/bin/redis-server ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "==> installing redis-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
else
  echo "==> redis-server present"
fi
