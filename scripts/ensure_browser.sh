#!/usr/bin/env bash
# Make sure Debian's Chromium and ChromeDriver are present for the browser tests.
# Installs them when running as root; otherwise says what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "chromium is not installed: run 'sudo apt-get install chromium chromium-driver'." >&2
if [ "${CI:-}" = "true" ]; then exit 1; fi
