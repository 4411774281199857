// Marks what the run did not see as removed (kept for audit, never deleted). VMs come as the ids the caller
// computed (known minus seen: unchanged VMs are not written, so they carry no run id); the few infrastructure
// objects carry the id of the last run that saw them.
CALL {
  UNWIND $removedVmIds AS vmId
  MATCH (vm:VM {id: vmId})
  WHERE vm.removedAt IS NULL
  SET vm.removedAt = datetime($now)
  RETURN count(vm) AS vmsRemoved
}
CALL {
  MATCH (n:Host|Cluster|Datacenter|Datastore|PortGroup {vcenterId: $vcenterId})
  WHERE n.lastSeenRunId <> $runId AND n.removedAt IS NULL
  SET n.removedAt = datetime($now)
  RETURN count(n) AS objectsRemoved
}
RETURN vmsRemoved, objectsRemoved
