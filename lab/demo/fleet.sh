#!/usr/bin/env bash
# A small fleet in waves: seven "shop" VMs (web → api ⇄ api → db, mq, cache) are created in the lab's vCenter
# simulator with guest data on their disks, planned into waves (the api pair is a dependency cycle: one move
# group; at most 2 VMs per wave so a layer spills), then migrated as a fleet with limits, progress bars and ETA.
#   lab/demo/fleet.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
FFO=(node bin/ffo.js)
export FFO_LAB_DIR=${FFO_LAB_DIR:-$PWD/.lab}
set -a
# shellcheck source=/dev/null
. "$FFO_LAB_DIR/lab.env"
set +a
export GOVC_DATACENTER=dc-paris
VMS=(demo-shop-db-01 demo-shop-mq-01 demo-shop-cache-01 demo-shop-api-01 demo-shop-api-02 demo-shop-web-01 demo-shop-web-02)
HOSTS=(esx-par-01.corp.local esx-par-02.corp.local esx-par-03.corp.local)

created=0
for i in "${!VMS[@]}"; do
  vm=${VMS[$i]}
  if [ -z "$("$FFO_GOVC" find / -type m -name "$vm")" ]; then
    "$FFO_GOVC" vm.create -on=false -c 1 -m 1024 -g debian11_64Guest -net pg-app -disk 64MB -disk.controller pvscsi \
      -ds ds-par-prod-0$((i % 2 + 1)) -host "${HOSTS[$((i % 3))]}" -folder /dc-paris/vm "$vm" >/dev/null
    flat=$(find "$FFO_LAB_DIR/vcsim/ds" -path "*/$vm/$vm-flat.vmdk" | head -1)
    truncate -s 64M "$flat"
    # Guest data: 4 MiB at the start and 1 MiB further in; the rest stays sparse (CBT copies only what is there).
    dd if=/dev/urandom of="$flat" bs=1M count=4 conv=notrunc status=none
    dd if=/dev/urandom of="$flat" bs=1M count=1 seek=40 conv=notrunc status=none
    "$FFO_GOVC" vm.power -on "$vm" >/dev/null
    created=$((created + 1))
  fi
done
echo "shop VMs: ${#VMS[@]} (${created} created now)"

# Idempotent: earlier demo runs' migrations of these VMs are rolled back first (their ports hold the source MACs).
rolled=0
for vm in "${VMS[@]}"; do
  for old in $("${FFO[@]}" query 'query($vm: String!) { migrations(where: { vmName: { eq: $vm }, status: { in: ["completed", "failed"] } }) { id } }' --role analyst --var vm="$vm" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const m of JSON.parse(s).data.migrations)console.log(m.id)})'); do
    "${FFO[@]}" rollback "$old" --follow >/dev/null
    rolled=$((rolled + 1))
  done
done
[ "$rolled" = 0 ] || echo "rolled back $rolled earlier demo migrations"
"${FFO[@]}" discover --vcenter lab >/dev/null
"${FFO[@]}" discover --target --cloud lab >/dev/null
"${FFO[@]}" deps import lab/demo/fleet-dependencies.csv >/dev/null

vms=$(IFS=,; echo "${VMS[*]}")
plan_json=$("${FFO[@]}" plan-waves --name demo-shop --vms "$vms" --max-vms 2 --max-per-host 2 --json)
plan=$(node -e 'const p=JSON.parse(process.argv[1]);console.log(p.id)' "$plan_json")
node -e '
  const p = JSON.parse(process.argv[1]);
  console.log(`plan ${p.id} (${p.name} v${p.version}): ${p.vmCount} VMs, ${p.layerCount} dependency layers, ${p.waveCount} waves, ${p.moveGroupCount} move group(s)`);
  for (const w of p.waves) console.log(`  wave ${w.index} (layer ${w.layers.join(",")}): ${w.vms.join(" ")}${w.moveGroups.length ? "   [move group]" : ""}`);
  for (const g of p.moveGroups) console.log(`  move group ${g.name}: ${g.members.join(" <-> ")} (a dependency cycle: they move together)`);' "$plan_json"
"${FFO[@]}" query 'query($vm: String!) { vms(where: { name: { eq: $vm } }) { name waveExplanation } }' --role analyst --var vm=demo-shop-web-01

echo
echo "fleet: at most 3 migrations in flight, 2 per ESXi host, 2 per datastore; on failure: pause"
"${FFO[@]}" fleet start "$plan" --concurrency 3 --per-host 2 --per-datastore 2 --conversion none --follow
