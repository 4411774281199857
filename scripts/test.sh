#!/usr/bin/env bash
# Runs all three tiers. The integration tier gets its own lab (own state dir and ports) so it never
# disturbs a lab a developer has running, and that lab is stopped again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
export FFO_LAB_DIR=${FFO_TEST_LAB_DIR:-$PWD/.lab/test}
export FFO_NEO4J_PORT=${FFO_TEST_NEO4J_PORT:-17687}
export FFO_VCSIM_PORT=${FFO_TEST_VCSIM_PORT:-18990}
# The test lab's OpenStack listens on its own ports (its golden snapshot is cached separately).
export FFO_OS_KEYSTONE_PORT=15000 FFO_OS_GLANCE_PORT=19292 FFO_OS_PLACEMENT_PORT=18778 FFO_OS_NOVA_PORT=18774
export FFO_OS_NEUTRON_PORT=19696 FFO_OS_CINDER_PORT=18776 FFO_OS_DB_PORT=23306 FFO_OS_MQ_PORT=16673
export FFO_OS_EPMD_PORT=14370 FFO_OS_MQ_DIST_PORT=26673
export FFO_QUEUE_PREFIX=ffo-test
# The full virt-v2v conversion (~12 min under TCG) is part of the suite; FFO_TEST_FULL_V2V=0 skips it locally.
export FFO_TEST_FULL_V2V=${FFO_TEST_FULL_V2V:-1}
JEST="node --experimental-vm-modules node_modules/jest/bin/jest.js"

$JEST --ci --selectProjects unit contract

# The Migration Monitor's browser tests drive Debian's chromium and Firefox ESR (installed once; no browser download).
bash lab/browser/install-chromium.sh
bash lab/browser/install-firefox.sh

trap 'bash lab/down.sh' EXIT
if [ "${FFO_TEST_OPENSTACK:-1}" = 1 ]; then
  bash lab/up.sh
  $JEST --ci --selectProjects integration --runInBand
else
  bash lab/up.sh --no-openstack
  $JEST --ci --selectProjects integration --runInBand --testPathIgnorePatterns openstack migration-engine mcp monitor-browser monitor-firefox
fi
