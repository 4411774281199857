#!/usr/bin/env bash
# Debian's chromium for the Migration Monitor browser test (playwright-core drives it; no browser download).
# Idempotent: does nothing when /usr/bin/chromium is already there. Another apt run may hold the lock a while.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y chromium
