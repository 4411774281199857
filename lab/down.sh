#!/usr/bin/env bash
# Stops everything the lab started, by pid (never by name). Shared services it only reused are left alone.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
[ -f "$LAB_ROOT/openstack/openstack.sh" ] && bash "$LAB_ROOT/openstack/openstack.sh" stop
bash "$LAB_ROOT/vcsim/vcsim.sh" stop
bash "$LAB_ROOT/neo4j/neo4j.sh" stop
bash "$LAB_ROOT/redis.sh" stop
log "lab down"
