#!/usr/bin/env bash
# The demo: lab up, API + worker, discovery through the queue with a progress bar, sample dependencies,
# an estate summary and a dependency query answered through GraphQL, then the target cloud: discovery, network
# mapping proposals applied, readiness and capacity, a refused migration and a warm migration with cutover. The API keeps serving until Ctrl-C
# (or exits right away with FFO_DEMO_EXIT=1 / without a terminal). The lab stays up: `ffo lab down` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
FFO=(node bin/ffo.js)
export FFO_LAB_DIR=${FFO_LAB_DIR:-$PWD/.lab}
DEMO=$FFO_LAB_DIR/demo
mkdir -p "$DEMO"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Lab: Neo4j, Redis, vCenter simulator with a seeded estate, mini-OpenStack"
"${FFO[@]}" lab up

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

say "API and worker"
"${FFO[@]}" serve >"$DEMO/serve.log" 2>&1 &
pids+=($!)
"${FFO[@]}" worker >"$DEMO/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do
  grep -q 'FFO API ready' "$DEMO/serve.log" 2>/dev/null && grep -q 'FFO worker ready' "$DEMO/worker.log" 2>/dev/null && break
  sleep 0.2
done
api_url=$(grep -o 'http://[^ "]*/graphql' "$DEMO/serve.log" | head -1 || true)
monitor_url=${api_url%/graphql}/
echo "API: $api_url (graphql-ws on the same URL); worker consuming discovery, migrate-vm and fleet jobs"
say "Migration Monitor: open $monitor_url to watch everything below live"
echo "sign in with a token from: node bin/ffo.js token --role agent   (--role analyst: read-only)"

say "Discovery of vCenter 'lab' (queued for the worker, progress over Redis pub/sub)"
"${FFO[@]}" discover --vcenter lab

say "Sample dependencies (lab/demo/dependencies.csv), all or nothing"
"${FFO[@]}" deps import lab/demo/dependencies.csv

say "Estate summary, through GraphQL (role analyst)"
"${FFO[@]}" query --role analyst -f lab/demo/estate-summary.graphql

say "What must move before app-web-01? (dependencyClosure, through GraphQL)"
"${FFO[@]}" query --role analyst -f lab/demo/dependency-closure.graphql --var vm=app-web-01

say "Target cloud 'lab' (OpenStack) into the twin"
"${FFO[@]}" discover --target --cloud lab

say "Network mapping proposals (same VLAN, name similarity)"
"${FFO[@]}" query --role analyst -f lab/demo/proposals.graphql

say "Apply the strong proposals and a default volume type (role agent)"
"${FFO[@]}" query --role agent -f lab/demo/map-networks.graphql

say "Readiness and capacity of the estate in cloud 'lab' (what-if: nothing is created)"
"${FFO[@]}" query --role analyst -f lab/demo/readiness-and-capacity.graphql

say "A VM with a blocker is refused before anything is created (app-web-01: an unmapped port group)"
"${FFO[@]}" migrate app-web-01 --detach || true

say "Warm migration of win-file-01: pre-copy while it runs, a delta round, cutover, ACTIVE server"
bash lab/demo/migrate-warm.sh win-file-01

say "A fleet in waves: dependency order, a move group, limits, progress and ETA (Layer 2) — live at $monitor_url"
bash lab/demo/fleet.sh

if [ -n "${FFO_DEMO_EXIT:-}" ] || [ ! -t 0 ]; then
  say "Done. The lab is still up (ffo lab down stops it)."
  exit 0
fi
say "API serving at $api_url, Migration Monitor at $monitor_url — token: node bin/ffo.js token --role analyst. Ctrl-C to stop (the lab stays up)."
wait "${pids[0]}"
