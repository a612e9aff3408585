#!/usr/bin/env bash
# The full test command (README, .ci/run): installs what is missing (Valkey, Chromium, npm
# packages), then lint, formatting, type-check, import cycles, and every test against a real
# valkey-server that the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --browser
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== lint";        npx eslint --max-warnings 0 .
echo "== format";      npx prettier --check . >/dev/null && echo "formatting clean"
echo "== typecheck";   npx tsc --noEmit -p tsconfig.json && echo "types clean"
echo "== cycles";      npx madge --circular --extensions ts src
echo "== build";       npm run -s build
echo "== tests"
mkdir -p .test-results
set +e
npx jest --ci --json --outputFile=.test-results/jest.json "$@"
status=$?
set -e
node -e '
  const r = require("./.test-results/jest.json");
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
'
exit $status
