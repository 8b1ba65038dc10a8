#!/usr/bin/env bash
# The whole test suite: set-up (Node packages, the Go-built parts, the Debian packages), typecheck,
# lint, then every test file in one run of node's test runner against the real parts. The integration
# tests' own sandbox (test/support/sandbox.ts: .baton/test-sandbox, every port moved by 2000, Argo CD
# preinstalled) is brought up first, or reused when it is healthy, and stopped at the end (its state
# stays for the next run); the demo's .baton/sandbox is neither used nor changed. The bootstrap-layer
# and end-to-end tests start a sandbox of their own whose cluster starts empty. Workflow tests start
# their own Temporal dev server. Then the quick fault drill (drills/run.ts: one trial of each case on 10 stacks)
# and the quick benchmarks (bench/run.ts: the small platforms beside Argo CD), each on a sandbox of its own
# started from nothing and stopped at the end, print their tables and write their JSON; the drill fails the run
# when a case falls short, the benchmarks assert no time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "==> typecheck"
npm run --silent typecheck
echo "==> lint"
npm run --silent lint
echo "==> the integration tests' sandbox (.baton/test-sandbox, Argo CD preinstalled; the demo's .baton/sandbox is left as it is)"
stop_test_sandbox() {
  echo "==> stopping the integration tests' sandbox (its state stays in .baton/test-sandbox for the next run)"
  node --import tsx --input-type=module -e "import { stopSandbox } from './test/support/sandbox.ts'; await stopSandbox();"
}
trap stop_test_sandbox EXIT
node --import tsx --input-type=module -e "import { sandbox } from './test/support/sandbox.ts'; await sandbox();"
echo "==> tests"
shopt -s globstar
# One file at a time: on 2 cores, running the sandbox-heavy files side by side made each several times slower
# (Ansible's modules and the API servers compete for the CPU), so the whole took longer, not shorter.
node --import tsx --test --test-concurrency=1 --test-reporter=spec \
  test/unit/**/*.test.ts test/workflows/**/*.test.ts test/integration/**/*.test.ts test/e2e/**/*.test.ts
trap - EXIT
stop_test_sandbox
echo "==> the quick fault drill (npm run drill -- --quick)"
npm run --silent drill -- --quick
echo "==> the quick benchmarks (npm run bench -- --quick)"
npm run --silent bench -- --quick
