#!/usr/bin/env bash
# The whole test suite: set-up, typecheck, lint, then every test file in one run of node's
# test runner against the real parts (each workflow test file starts a Temporal dev server
# from .tools/bin unless TEMPORAL_ADDRESS points at one).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "==> typecheck"
npm run --silent typecheck
echo "==> lint"
npm run --silent lint
echo "==> tests"
shopt -s globstar
node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/unit/**/*.test.ts test/workflows/**/*.test.ts
