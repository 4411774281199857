// New or changed VMs only (the caller compares fingerprints), with their disks and NICs, in one statement per
// batch: placement, storage and network edges are re-pointed, devices the VM no longer has are deleted, and
// the revision is bumped (Forklift-style revision counter).
UNWIND $rows AS row
MERGE (vm:VM {id: row.id})
ON CREATE SET vm.firstSeenAt = datetime($now), vm.revision = 0
SET vm += row.props,
    vm.vcenterId = $vcenterId,
    vm.fingerprint = row.fingerprint,
    vm.lastChangedAt = datetime($now),
    vm.removedAt = null,
    vm.revision = vm.revision + 1
WITH vm, row
CALL {
  WITH vm, row
  OPTIONAL MATCH (vm)-[old:RUNS_ON]->(h0:Host)
  WHERE h0.id <> coalesce(row.hostId, '')
  DELETE old
}
CALL {
  WITH vm, row
  MATCH (h:Host {id: row.hostId})
  MERGE (vm)-[:RUNS_ON]->(h)
}
CALL {
  WITH vm, row
  UNWIND row.disks AS disk
  MERGE (d:Disk {id: disk.id})
  SET d += disk.props, d.vcenterId = $vcenterId, d.lastSeenRunId = $runId
  MERGE (vm)-[:HAS_DISK]->(d)
  WITH d, disk
  OPTIONAL MATCH (d)-[old:STORED_ON]->(ds0:Datastore)
  WHERE ds0.id <> coalesce(disk.datastoreId, '')
  DELETE old
}
CALL {
  WITH vm, row
  UNWIND row.disks AS disk
  MATCH (d:Disk {id: disk.id}), (ds:Datastore {id: disk.datastoreId})
  MERGE (d)-[:STORED_ON]->(ds)
}
CALL {
  WITH vm, row
  UNWIND row.nics AS nic
  MERGE (n:Nic {id: nic.id})
  SET n += nic.props, n.vcenterId = $vcenterId, n.lastSeenRunId = $runId
  MERGE (vm)-[:HAS_NIC]->(n)
  WITH n, nic
  OPTIONAL MATCH (n)-[old:CONNECTED_TO]->(pg0:PortGroup)
  WHERE pg0.id <> coalesce(nic.portGroupId, '')
  DELETE old
}
CALL {
  WITH vm, row
  UNWIND row.nics AS nic
  MATCH (n:Nic {id: nic.id}), (pg:PortGroup {id: nic.portGroupId})
  MERGE (n)-[:CONNECTED_TO]->(pg)
}
CALL {
  WITH vm
  MATCH (vm)-[:HAS_DISK|HAS_NIC]->(gone)
  WHERE gone.lastSeenRunId <> $runId
  DETACH DELETE gone
}
RETURN count(vm) AS written
