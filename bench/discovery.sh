#!/usr/bin/env bash
# Discovery benchmark: a 5,000-VM simulator (own process, own instanceUuid, so every run starts from an empty
# twin for it), Neo4j and Redis from the lab. Prints VMs/s end to end and the simulator's raw
# RetrievePropertiesEx time measured in the same run. Needs `make build` (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
export FFO_LAB_DIR=${FFO_BENCH_LAB_DIR:-$PWD/.lab/bench}
export FFO_NEO4J_PORT=${FFO_BENCH_NEO4J_PORT:-37687}
trap 'bash lab/neo4j/neo4j.sh stop; bash lab/redis.sh stop' EXIT
bash lab/redis.sh start
bash lab/neo4j/neo4j.sh start
bash lab/vcsim/build.sh >/dev/null
export FFO_VCSIM_BIN=${FFO_CACHE:-$HOME/.cache/ffo-twin}/vcsim/bin/vcsim-cbt
node bench/discovery-bench.mjs "${FFO_BENCH_VMS:-5000}"
