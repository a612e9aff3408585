#!/usr/bin/env bash
# The full test command (README, .ci/run): installs what is missing (Valkey, Chromium,
# docker-compose for validation, nginx for the proxy test, promtool for the alert rules, npm packages), then lint, formatting, type-check, the
# architecture rules (.dependency-cruiser.cjs: import cycles, folder layering, key layout),
# the compose file, and every test against real valkey-server processes that the tests
# start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --browser --compose --proxy --monitoring
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step() { echo "== $1"; shift; "$@" || { echo "FAILED: $*" >&2; exit 1; }; }
step lint      npx eslint --max-warnings 0 .
step format    npx prettier --check --log-level warn .
step typecheck npx tsc --noEmit -p tsconfig.json
step architecture npm run -s arch
step compose   env VALKEY_PASSWORD=check ADMIN_API_KEYS=check-admin-key-0000 \
  docker-compose -f docker-compose.yml config --quiet
step build     npm run -s build

echo "== tests"
mkdir -p .test-results
set +e
npx jest --ci --json --outputFile=.test-results/jest.json "$@"
status=$?
set -e
node -e '
  const r = require("./.test-results/jest.json");
  // A suite that dies before its tests run (e.g. in beforeAll) counts as one failure at least.
  const failed = Math.max(r.numFailedTests + r.numRuntimeErrorTestSuites, r.success ? 0 : Math.max(1, r.numFailedTestSuites));
  console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
'
exit $status
