#!/usr/bin/env bash
# Warm migration of one demo VM, as an operator would run it: pre-copy while the VM runs (progress bar, rate,
# ETA), a guest write and a delta round, then the cutover; prints the verified checksums and the downtime.
#   lab/demo/migrate-warm.sh VM
set -euo pipefail
cd "$(dirname "$0")/../.."
FFO=(node bin/ffo.js)
vm=$1
# Idempotent: a previous demo run's migration of this VM is rolled back first (its ports hold the source MACs),
# and the target is rediscovered so the twin knows those ports are gone.
for old in $("${FFO[@]}" query 'query($vm: String!) { migrations(where: { vmName: { eq: $vm }, status: { in: ["completed", "failed"] } }) { id } }' --role analyst --var vm="$vm" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const m of JSON.parse(s).data.migrations)console.log(m.id)})'); do
  echo "rolling back the earlier migration $old of $vm"
  "${FFO[@]}" rollback "$old" --follow >/dev/null
  "${FFO[@]}" discover --target --cloud lab >/dev/null
done
id=$("${FFO[@]}" migrate "$vm" --warm --delta-interval 3600 --verify-checksums --until delta)
echo "migration $id: pre-copy done, the source is still running; delta rounds until the cutover"
# A guest write while the VM runs: 1 MiB at 8 MiB into its first disk (the lab's datastores are local files).
flat=$(find "${FFO_LAB_DIR:-.lab}/vcsim/ds" -path "*/$vm/$vm-flat.vmdk" | head -1)
dd if=/dev/urandom of="$flat" bs=64k count=16 seek=128 conv=notrunc status=none
echo "guest wrote 1 MiB; asking for a delta round now"
"${FFO[@]}" sync "$id" >/dev/null
sleep 2
"${FFO[@]}" cutover "$id" --follow
"${FFO[@]}" migration "$id" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const r = JSON.parse(s);
    console.log(`\n${r.vmName}: ${r.status}; server ${r.checkpoints.server?.id} ${(r.checkpoints.server?.fixedIps ?? []).join(", ")}`);
    for (const d of Object.values(r.checkpoints.disks))
      console.log(`  disk ${d.key}: sha256 source ${d.sha256Source}\n          target ${d.sha256Target} ${d.sha256Source === d.sha256Target ? "(equal)" : "(DIFFERENT)"}`);
    for (const h of r.checkpoints.deltaHistory) console.log(`  delta round ${h.round}: ${h.bytesCopied} bytes in ${h.seconds.toFixed(2)} s`);
  });'
"${FFO[@]}" query 'query($id: ID!) { migrations(where: { id: { eq: $id } }) { vmName status pipelineReason conversionPath downtimeSeconds serverId fixedIps } }' --role analyst --var id="$id"
