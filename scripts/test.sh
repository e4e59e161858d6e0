#!/usr/bin/env bash
# The one test command (README, `npm test`, .ci/run): installs what the tests need, then lint,
# typecheck, unit tests, the dist/ check, and the integration tests on the real test bed
# (sshd + dockerd + registry in network namespaces; needs root). Set SKIP_INTEGRATION=1 to run only
# what needs no root (the project's GitHub CI does that on hosted runners).
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "npm dependencies (npm ci --ignore-scripts: ssh2's optional native parts are not used)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi

step "lint and typecheck"
npx eslint src test scripts
npx prettier --check "src/**/*.ts" "test/**/*.ts"
npx tsc --noEmit

step "dist/ matches a fresh bundle of src/"
bash scripts/check-dist.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
jest() { node --experimental-vm-modules node_modules/jest/bin/jest.js "$@"; }

step "unit tests"
unit_rc=0
jest --selectProjects unit --json --outputFile="$results/unit.json" || unit_rc=$?

int_rc=0
if [ "${SKIP_INTEGRATION:-0}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "integration tests need root (they start sshd, dockerd and network namespaces): run 'sudo bash scripts/test.sh'" >&2
    int_rc=1
  else
    step "test bed up"
    bash test/bed/bed.sh up
    trap 'bash test/bed/bed.sh down >/dev/null 2>&1 || true; rm -rf "$results"' EXIT
    step "integration tests (one shared bed, run in band)"
    jest --selectProjects integration --runInBand --testTimeout=300000 --json --outputFile="$results/integration.json" || int_rc=$?
    step "test bed down"
    bash test/bed/bed.sh down
  fi
fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    failed += r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/integration.json"
[ "$unit_rc" = 0 ] && [ "$int_rc" = 0 ]
