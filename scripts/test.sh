#!/usr/bin/env bash
# Runs all three tiers. The integration tier gets its own lab (own state dir and ports) so it never
# disturbs a lab a developer has running, and that lab is stopped again whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
export FFO_LAB_DIR=${FFO_TEST_LAB_DIR:-$PWD/.lab/test}
export FFO_NEO4J_PORT=${FFO_TEST_NEO4J_PORT:-17687}
export FFO_VCSIM_PORT=${FFO_TEST_VCSIM_PORT:-18990}
export FFO_QUEUE_PREFIX=ffo-test
JEST="node --experimental-vm-modules node_modules/jest/bin/jest.js"

$JEST --ci --selectProjects unit contract

trap 'bash lab/down.sh' EXIT
bash lab/up.sh --no-openstack
$JEST --ci --selectProjects integration --runInBand
