#!/usr/bin/env bash
# Debian's chromium for the Migration Monitor browser test (playwright-core drives it; no browser download).
# Idempotent: installs only what is missing. A font is named explicitly because --no-install-recommends
# would otherwise leave the page's screenshots without readable text.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
ensure_apt chromium fonts-liberation
[ -x /usr/bin/chromium ] || die "chromium is not at /usr/bin/chromium after installing it"
