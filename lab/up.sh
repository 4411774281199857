#!/usr/bin/env bash
# Brings the lab up (idempotent): Neo4j, Redis, the vCenter simulator with its seeded estate.
#   lab/up.sh [--no-openstack] [--model estate|scale]
# Everything binds to 127.0.0.1; state lives in $FFO_LAB_DIR (default .lab/), caches in $FFO_CACHE.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
model=${FFO_VCSIM_MODEL:-estate}
openstack=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-openstack) openstack=0 ;;
    --model) model=$2; shift ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
start=$(date +%s)
ENV_FILE=$FFO_LAB_DIR/lab.env
touch "$ENV_FILE"
# A per-lab JWT secret for the API; tests and the demo mint tokens with it.
grep -q '^FFO_JWT_SECRET=' "$ENV_FILE" || env_set "$ENV_FILE" FFO_JWT_SECRET "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

bash "$LAB_ROOT/redis.sh" start
bash "$LAB_ROOT/neo4j/neo4j.sh" start
# Disk tools and the VMware-like guest disk the migration tests copy and convert (cached; FFO_LAB_GUEST=0 skips it).
bash "$LAB_ROOT/disk/disk-tools.sh" install
if [ "${FFO_LAB_GUEST:-1}" != 0 ]; then
  bash "$LAB_ROOT/disk/guest-image.sh" build
  env_set "$ENV_FILE" FFO_GUEST_IMAGE "$(bash "$LAB_ROOT/disk/guest-image.sh" path)"
fi
FFO_VCSIM_MODEL=$model bash "$LAB_ROOT/vcsim/vcsim.sh" start
if [ "$openstack" = 1 ] && [ -f "$LAB_ROOT/openstack/openstack.sh" ]; then
  bash "$LAB_ROOT/openstack/openstack.sh" start
fi
log "lab up in $(( $(date +%s) - start ))s; environment in $ENV_FILE"
