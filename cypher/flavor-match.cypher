// Flavor candidates for VMs, best first. A candidate never undersizes: vCPU >= and RAM >= the VM's, a disk-backed
// flavor's root disk holds the boot disk, private flavors only when shared with $projectOpenstackId, GPU flavors
// only for VMs that have a GPU. Waste = extra vCPU / vCPU + extra RAM / RAM (0 = exact fit); ties prefer
// boot-from-volume (disk 0) flavors, then the smaller root disk, then the name. An explicit override comes along.
UNWIND $vmIds AS vmId
MATCH (vm:VM {id: vmId})
CALL {
  WITH vm
  OPTIONAL MATCH (vm)-[:HAS_DISK]->(d:Disk)
  WITH d ORDER BY d.controllerKey, d.unitNumber
  RETURN head(collect(d.capacityBytes)) AS bootDiskBytes
}
CALL {
  WITH vm, bootDiskBytes
  MATCH (f:Flavor {cloudId: $cloudId})
  WHERE f.removedAt IS NULL
    AND f.vcpus >= vm.numCpu
    AND f.ramMB >= vm.memoryMB
    AND (f.isPublic OR $projectOpenstackId IN coalesce(f.accessProjectIds, []))
    AND (NOT f.requiresGpu OR coalesce(vm.hasGpu, false))
    AND (f.diskGB = 0 OR bootDiskBytes IS NULL OR f.diskGB * 1073741824.0 >= bootDiskBytes)
  WITH f,
       toFloat(f.vcpus - vm.numCpu) / toFloat(CASE WHEN vm.numCpu > 0 THEN vm.numCpu ELSE 1 END) +
       toFloat(f.ramMB - vm.memoryMB) / toFloat(CASE WHEN vm.memoryMB > 0 THEN vm.memoryMB ELSE 1 END) AS waste
  ORDER BY waste ASC, f.diskGB = 0 DESC, f.diskGB ASC, f.name ASC
  LIMIT toInteger($limit)
  RETURN collect({id: f.id, name: f.name, vcpus: f.vcpus, ramMB: f.ramMB, diskGB: f.diskGB,
                  bootFromVolume: f.diskGB = 0, waste: waste}) AS candidates
}
OPTIONAL MATCH (vm)-[:FLAVOR_OVERRIDE]->(o:Flavor {cloudId: $cloudId})
RETURN vm.id AS vmId, vm.name AS vmName, vm.numCpu AS numCpu, vm.memoryMB AS memoryMB, bootDiskBytes,
       coalesce(vm.hasGpu, false) AS hasGpu, candidates,
       CASE WHEN o IS NULL THEN null ELSE
         {id: o.id, name: o.name, vcpus: o.vcpus, ramMB: o.ramMB, diskGB: o.diskGB, bootFromVolume: o.diskGB = 0,
          isPublic: o.isPublic, accessProjectIds: coalesce(o.accessProjectIds, []), requiresGpu: o.requiresGpu,
          removed: o.removedAt IS NOT NULL}
       END AS override
