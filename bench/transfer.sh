#!/usr/bin/env bash
# Transfer benchmark: one 2 GiB random disk served over HTTP (Range + session cookie, like a datastore file),
# copied by dd, by one bare nbdcopy and by the engine's chunked NbdDiskCopier, then a 5% delta round. Prints
# seconds, MiB/s and the ratios; exits non-zero only if a copy is wrong (sha256), never for a speed miss.
# Needs nbdkit (curl plugin, extentlist filter), nbdcopy and qemu-img. FFO_BENCH_SKIP_BUILD=1 skips the build
# (make bench has built already).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's tools first (pyenv shims and the like come first otherwise).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
if [[ ${FFO_BENCH_SKIP_BUILD:-0} != 1 ]]; then
  npx tsc -p tsconfig.build.json
fi
exec node bench/transfer-bench.mjs
