#!/usr/bin/env bash
set -uo pipefail
source "$(dirname "$0")/lib.sh"
rc=0
bash "$LAB_ROOT/redis.sh" status || rc=1
bash "$LAB_ROOT/neo4j/neo4j.sh" status || rc=1
bash "$LAB_ROOT/vcsim/vcsim.sh" status || rc=1
[ -f "$LAB_ROOT/openstack/openstack.sh" ] && { bash "$LAB_ROOT/openstack/openstack.sh" status || rc=1; }
exit $rc
