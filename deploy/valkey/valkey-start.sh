#!/bin/sh
# Starts Valkey with a configuration rendered at start from the environment, so no password is
# on any command line (`ps` and `docker inspect` show `valkey-server /run/valkran/valkey.conf`)
# and the file holds only password digests. Users:
#   valkran  the app: the commands in valkran.acl beside this script, password VALKEY_PASSWORD
#   admin    only when VALKEY_ADMIN_PASSWORD is set: everything, for operators
#   default  off (no password, no commands)
# Environment: VALKEY_PASSWORD (required), VALKEY_ADMIN_PASSWORD, VALKEY_MAXMEMORY (default
# 1gb; noeviction refuses writes past it), VALKEY_PORT (6379), VALKEY_DATA_DIR (/data),
# VALKEY_CONF_DIR (/run/valkran), VALKEY_ACL_RULES (valkran.acl beside this script).
# Usage: valkey-start.sh <command starting valkey-server>; the config file is appended to it,
# e.g. `valkey-start.sh docker-entrypoint.sh valkey-server` in the official image.
set -eu
: "${VALKEY_PASSWORD:?set VALKEY_PASSWORD}"
[ "$#" -gt 0 ] || { echo "usage: $0 <valkey-server command>" >&2; exit 2; }
here=$(dirname "$0")
conf_dir=${VALKEY_CONF_DIR:-/run/valkran}
rules_file=${VALKEY_ACL_RULES:-$here/valkran.acl}
digest() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
rules=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$rules_file" | tr '\n' ' ')

umask 077
mkdir -p "$conf_dir"
conf="$conf_dir/valkey.conf"
{
  echo "port ${VALKEY_PORT:-6379}"
  echo "dir ${VALKEY_DATA_DIR:-/data}"
  echo 'appendonly yes'
  echo 'appendfsync everysec'
  echo 'save ""'
  echo "maxmemory ${VALKEY_MAXMEMORY:-1gb}"
  echo 'maxmemory-policy noeviction'
  # Every enabled user has a password and `default` is off: nothing for protected mode to guard.
  echo 'protected-mode no'
  echo 'user default off resetpass resetkeys resetchannels -@all'
  echo "user valkran on #$(digest "$VALKEY_PASSWORD") $rules"
  if [ -n "${VALKEY_ADMIN_PASSWORD:-}" ]; then
    echo "user admin on #$(digest "$VALKEY_ADMIN_PASSWORD") ~* &* +@all"
  fi
} >"$conf"
# The official image drops to the `valkey` user before starting the server.
if [ "$(id -u)" = 0 ] && id valkey >/dev/null 2>&1; then chown -R valkey:valkey "$conf_dir"; fi
exec "$@" "$conf"
