// What the engine needs about the source VM beyond readiness: vCenter, datacenter, datastore names, moid.
MATCH (vm:VM {id: $vmId})
OPTIONAL MATCH (vm)-[:RUNS_ON]->(:Host)-[:IN_DATACENTER]->(dc1:Datacenter)
OPTIONAL MATCH (vm)-[:HAS_DISK]->(:Disk)-[:STORED_ON]->(:Datastore)-[:IN_DATACENTER]->(dc2:Datacenter)
OPTIONAL MATCH (vc:VCenter {id: vm.vcenterId})
CALL {
  WITH vm
  OPTIONAL MATCH (vm)-[:HAS_DISK]->(d:Disk)
  OPTIONAL MATCH (d)-[:STORED_ON]->(ds:Datastore)
  WITH d, ds ORDER BY d.controllerKey, d.unitNumber
  RETURN [x IN collect({key: d.key, fileName: d.fileName, capacityBytes: d.capacityBytes,
                        thinProvisioned: d.thinProvisioned, controllerType: d.controllerType,
                        datastoreName: ds.name}) WHERE x.key IS NOT NULL] AS disks
}
RETURN vm.id AS vmId, vm.moid AS moid, vm.name AS name, vm.powerState AS powerState, vm.guestId AS guestId,
       vm.firmware AS firmware, vm.changeTrackingEnabled AS changeTrackingEnabled, vc.name AS vcenter,
       coalesce(dc1.name, dc2.name) AS datacenter, disks
LIMIT 1
