#!/usr/bin/env bash
# Installs the system packages Valkran needs on Debian: valkey-server (bookworm-backports),
# with --browser Debian's chromium for the browser tests, with --compose docker-compose
# (v1, only to validate docker-compose.yml; no Docker engine needed), and with --proxy
# nginx-light (test/deploy.e2e-spec.ts runs deploy/nginx.conf in an nginx of its own; the
# packaged service is not left running), and with --monitoring Debian's prometheus package for
# promtool (test/monitoring.e2e-spec.ts checks deploy/prometheus; its service is not left
# running either). Idempotent; needs root or sudo only when something is missing.
set -euo pipefail

want_browser=0
want_compose=0
want_proxy=0
want_monitoring=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --compose) want_compose=1 ;;
    --proxy) want_proxy=1 ;;
    --monitoring) want_monitoring=1 ;;
    *) echo "usage: $0 [--browser] [--compose] [--proxy] [--monitoring]" >&2; exit 2 ;;
  esac
done

need_valkey=0
command -v valkey-server >/dev/null 2>&1 || need_valkey=1
need_browser=0
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null 2>&1; then need_browser=1; fi
need_compose=0
if [ "$want_compose" = 1 ] && ! command -v docker-compose >/dev/null 2>&1; then need_compose=1; fi
need_proxy=0
if [ "$want_proxy" = 1 ] && [ ! -x /usr/sbin/nginx ]; then need_proxy=1; fi
need_monitoring=0
if [ "$want_monitoring" = 1 ] && ! command -v promtool >/dev/null 2>&1; then need_monitoring=1; fi
[ "$need_valkey" = 0 ] && [ "$need_browser" = 0 ] && [ "$need_compose" = 0 ] && [ "$need_proxy" = 0 ] && [ "$need_monitoring" = 0 ] && exit 0

# Root (or sudo) only when there is something to install: a later run needs neither.
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to apt-get install" >&2; exit 1
  fi
fi


if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: no apt-get here; install valkey-server (8.x) yourself${want_browser:+ and chromium}" >&2
  exit 1
fi

if [ "$need_valkey" = 1 ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  src=/etc/apt/sources.list.d/valkran-backports.sources
  if [ "$codename" = bookworm ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    $SUDO tee "$src" >/dev/null <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
fi

$SUDO apt-get update -qq
if [ "$need_valkey" = 1 ]; then
  if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports valkey-server valkey-tools
  else
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valkey-server valkey-tools
  fi
fi
if [ "$need_browser" = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
fi
if [ "$need_compose" = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose
fi
if [ "$need_proxy" = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light
  # Only the binary is wanted: where systemd started the packaged service, stop it again.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
fi
if [ "$need_monitoring" = 1 ]; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus
  # Only promtool is wanted: the package enables a prometheus service (systemd, or its init
  # script where invoke-rc.d may start it); stop and disable it again.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
  if [ -x /etc/init.d/prometheus ]; then $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
fi
