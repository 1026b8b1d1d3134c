#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium (Playwright's own browser download cannot work here).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "[setup-test] chromium is installed: nothing to do."
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "ERROR: the browser tests need Debian's chromium: run 'apt-get install chromium' as root." >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "[setup-test] installing Debian's chromium for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "[setup-test] chromium ready: $(/usr/bin/chromium --version)"
