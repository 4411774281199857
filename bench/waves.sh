#!/usr/bin/env bash
# Wave-planning benchmark: a generated estate of 100,000 VMs and 500,000 DEPENDS_ON edges (with cycles) in the
# bench lab's Neo4j; the Cypher planner vs an in-memory Kahn + Tarjan in Node on the same graph in the same run.
# Needs `make build` (make bench does it). FFO_BENCH_VMS / FFO_BENCH_EDGES change the size.
set -euo pipefail
cd "$(dirname "$0")/.."
export FFO_LAB_DIR=${FFO_BENCH_LAB_DIR:-$PWD/.lab/bench}
export FFO_NEO4J_PORT=${FFO_BENCH_NEO4J_PORT:-37687}
export FFO_NEO4J_HEAP=${FFO_NEO4J_HEAP:-2g}
# Per-transaction memory for the planner's largest layer; the lab default (256m) is sized for the tests.
export FFO_NEO4J_JAVA_OPTS=${FFO_NEO4J_JAVA_OPTS:-"-Dneo4j.conf.db.memory.transaction.max=1g -Dneo4j.conf.dbms.memory.transaction.total.max=1500m -Dneo4j.conf.server.memory.pagecache.size=512m"}
trap 'bash lab/neo4j/neo4j.sh stop' EXIT
bash lab/neo4j/neo4j.sh start
node bench/waves-bench.mjs "${FFO_BENCH_VMS:-100000}" "${FFO_BENCH_EDGES:-500000}"
