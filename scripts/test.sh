#!/usr/bin/env bash
# The whole test suite: set-up (Node packages, the Go-built parts, the Debian packages), typecheck,
# lint, then every test file in one run of node's test runner against the real parts. The sandbox
# (.baton/sandbox, or BATON_SANDBOX_DIR, Argo CD preinstalled) is brought up first, or reused when it
# is healthy; the integration tests run against it. The bootstrap-layer and end-to-end tests start a
# sandbox of their own whose cluster starts empty. Workflow tests start their own Temporal dev server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "==> typecheck"
npm run --silent typecheck
echo "==> lint"
npm run --silent lint
echo "==> sandbox"
node bin/baton.js sandbox up --no-build
echo "==> tests"
shopt -s globstar
node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/unit/**/*.test.ts test/workflows/**/*.test.ts test/integration/**/*.test.ts test/e2e/**/*.test.ts
