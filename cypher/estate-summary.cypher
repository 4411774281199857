// Estate totals for one vCenter ($vcenterId) or all of them (null). Removed VMs are counted apart.
CALL {
  MATCH (vc:VCenter) WHERE $vcenterId IS NULL OR vc.id = $vcenterId
  RETURN count(vc) AS vcenters
}
CALL {
  MATCH (vm:VM) WHERE $vcenterId IS NULL OR vm.vcenterId = $vcenterId
  WITH vm, vm.removedAt IS NULL AS live
  RETURN sum(CASE WHEN live THEN 1 ELSE 0 END) AS vms,
         sum(CASE WHEN live THEN 0 ELSE 1 END) AS removedVms,
         sum(CASE WHEN live THEN vm.numCpu ELSE 0 END) AS totalVcpu,
         sum(CASE WHEN live THEN toFloat(vm.memoryMB) ELSE 0.0 END) AS totalMemoryMB,
         sum(CASE WHEN live THEN coalesce(vm.provisionedBytes, 0.0) ELSE 0.0 END) AS provisionedBytes,
         sum(CASE WHEN live THEN coalesce(vm.usedBytes, 0.0) ELSE 0.0 END) AS usedBytes
}
CALL {
  MATCH (vm:VM) WHERE vm.removedAt IS NULL AND ($vcenterId IS NULL OR vm.vcenterId = $vcenterId)
  WITH vm.powerState AS key, count(*) AS count ORDER BY count DESC, key
  RETURN collect({key: key, count: count}) AS byPowerState
}
CALL {
  MATCH (vm:VM) WHERE vm.removedAt IS NULL AND ($vcenterId IS NULL OR vm.vcenterId = $vcenterId)
  WITH coalesce(vm.guestId, 'unknown') AS key, count(*) AS count ORDER BY count DESC, key
  RETURN collect({key: key, count: count}) AS byGuestOs
}
CALL {
  MATCH (vm:VM)-[:RUNS_ON]->(h:Host)
  WHERE vm.removedAt IS NULL AND ($vcenterId IS NULL OR vm.vcenterId = $vcenterId)
  OPTIONAL MATCH (h)-[:MEMBER_OF]->(c:Cluster)
  WITH coalesce(c.name, 'standalone:' + h.name) AS key, count(*) AS count ORDER BY count DESC, key
  RETURN collect({key: key, count: count}) AS byCluster
}
CALL {
  MATCH (n:Host|Cluster|Datastore|PortGroup)
  WHERE n.removedAt IS NULL AND ($vcenterId IS NULL OR n.vcenterId = $vcenterId)
  RETURN sum(CASE WHEN n:Host THEN 1 ELSE 0 END) AS hosts,
         sum(CASE WHEN n:Cluster THEN 1 ELSE 0 END) AS clusters,
         sum(CASE WHEN n:Datastore THEN 1 ELSE 0 END) AS datastores,
         sum(CASE WHEN n:PortGroup THEN 1 ELSE 0 END) AS portGroups
}
CALL {
  MATCH (vm:VM)-[:HAS_DISK|HAS_NIC]->(dev)
  WHERE vm.removedAt IS NULL AND ($vcenterId IS NULL OR vm.vcenterId = $vcenterId)
  RETURN sum(CASE WHEN dev:Disk THEN 1 ELSE 0 END) AS disks, sum(CASE WHEN dev:Nic THEN 1 ELSE 0 END) AS nics
}
CALL {
  MATCH (a:VM)-[d:DEPENDS_ON]->(:VM)
  WHERE a.removedAt IS NULL AND ($vcenterId IS NULL OR a.vcenterId = $vcenterId)
  RETURN count(d) AS dependencies
}
RETURN vcenters, vms, removedVms, hosts, clusters, datastores, portGroups, disks, nics, totalVcpu, totalMemoryMB,
       provisionedBytes, usedBytes, dependencies, byPowerState, byGuestOs, byCluster
