#!/usr/bin/env bash
# Debian's Firefox ESR for the Migration Monitor's Firefox test (puppeteer-core drives it over WebDriver BiDi;
# no browser download). Idempotent: installs only what is missing.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
ensure_apt firefox-esr fonts-liberation
[ -x /usr/bin/firefox-esr ] || die "firefox-esr is not at /usr/bin/firefox-esr after installing it"
