#!/usr/bin/env bash
# API benchmark: the GraphQL 3-hop dependency query under 100 concurrent clients (autocannon) next to the same
# query as hand-written Cypher through neo4j-driver in the same run, and subscription fan-out to 1,000 graphql-ws
# clients, on a generated estate in the bench lab's own Neo4j; Redis is the machine's (REDIS_URL overrides).
# Needs `make build`. FFO_BENCH_VMS / FFO_BENCH_EDGES / FFO_BENCH_SECONDS / FFO_BENCH_CONNECTIONS /
# FFO_BENCH_SUBSCRIBERS change the size. Timings are printed against their targets, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
export FFO_LAB_DIR=${FFO_BENCH_API_LAB_DIR:-$PWD/.lab/bench-api}
export FFO_NEO4J_PORT=${FFO_BENCH_API_NEO4J_PORT:-37688}
export FFO_NEO4J_HEAP=${FFO_NEO4J_HEAP:-1g}
# The bench estate lives in its own Neo4j; never the dev lab's graph.
unset NEO4J_URI NEO4J_USER NEO4J_PASSWORD NEO4J_DATABASE
# Its own queue prefix: the API's queues are never consumed here, and must not be the lab's.
export FFO_QUEUE_PREFIX=${FFO_QUEUE_PREFIX:-ffo-bench-api}
# The API runs as `ffo serve` runs it (bin/ffo.js): graphql-js without its development-time checks.
export NODE_ENV=${NODE_ENV:-production}
trap 'bash lab/neo4j/neo4j.sh stop' EXIT
bash lab/neo4j/neo4j.sh start
node bench/api-bench.mjs
