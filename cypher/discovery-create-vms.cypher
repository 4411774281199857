// VMs the twin has never seen, with their disks and NICs: plain CREATEs (no MERGE lookups, no old edges to
// re-point), which is what makes the first discovery of a large estate fast. Changed VMs go through
// discovery-upsert-vms instead.
UNWIND $rows AS row
CREATE (vm:VM)
SET vm = row.props,
    vm.id = row.id,
    vm.vcenterId = $vcenterId,
    vm.fingerprint = row.fingerprint,
    vm.firstSeenAt = datetime($now),
    vm.lastChangedAt = datetime($now),
    vm.revision = 1
WITH vm, row
CALL {
  WITH vm, row
  MATCH (h:Host {id: row.hostId})
  CREATE (vm)-[:RUNS_ON]->(h)
}
CALL {
  WITH vm, row
  UNWIND row.disks AS disk
  CREATE (vm)-[:HAS_DISK]->(d:Disk)
  SET d = disk.props, d.id = disk.id, d.vcenterId = $vcenterId, d.lastSeenRunId = $runId
  WITH d, disk
  MATCH (ds:Datastore {id: disk.datastoreId})
  CREATE (d)-[:STORED_ON]->(ds)
}
CALL {
  WITH vm, row
  UNWIND row.nics AS nic
  CREATE (vm)-[:HAS_NIC]->(n:Nic)
  SET n = nic.props, n.id = nic.id, n.vcenterId = $vcenterId, n.lastSeenRunId = $runId
  WITH n, nic
  MATCH (pg:PortGroup {id: nic.portGroupId})
  CREATE (n)-[:CONNECTED_TO]->(pg)
}
RETURN count(vm) AS written
