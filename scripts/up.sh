#!/usr/bin/env bash
# Quick start: installs what is missing (valkey-server from Debian backports, npm packages),
# builds, and runs Valkran in `all` mode with an embedded Valkey (data under .valkran/).
# Any environment variable from the README's configuration table is honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VALKEY_URL:-}" ] && [ -z "${VALKEY_CLUSTER_NODES:-}" ]; then
  bash scripts/install-deps.sh
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
exec node dist/main.js "$@"
