// Everything readiness needs about a set of VMs and one cloud/project, in one read.
UNWIND $vmIds AS vmId
MATCH (vm:VM {id: vmId})
CALL {
  WITH vm
  OPTIONAL MATCH (vm)-[:HAS_DISK]->(d:Disk)
  OPTIONAL MATCH (d)-[:STORED_ON]->(ds:Datastore)
  OPTIONAL MATCH (ds)-[:MAPS_TO]->(vt:VolumeType {cloudId: $cloudId})
  WITH d, ds, vt ORDER BY d.controllerKey, d.unitNumber
  RETURN [x IN collect({key: d.key, fileName: d.fileName, capacityBytes: d.capacityBytes,
                        controllerType: d.controllerType, rdm: d.rdm, sharing: d.sharing,
                        datastore: ds.name, volumeType: vt.name}) WHERE x.key IS NOT NULL] AS disks
}
CALL {
  WITH vm
  OPTIONAL MATCH (vm)-[:HAS_NIC]->(n:Nic)
  OPTIONAL MATCH (n)-[:CONNECTED_TO]->(pg:PortGroup)
  OPTIONAL MATCH (pg)-[m:MAPS_TO]->(net:Network {cloudId: $cloudId})
  OPTIONAL MATCH (net)-[:HAS_SUBNET]->(s:Subnet)
  WHERE s.id = m.subnetId OR (m.subnetId IS NULL)
  WITH n, pg, net, m, collect(s) AS subnets
  OPTIONAL MATCH (clash:Port {cloudId: $cloudId, macAddress: toLower(n.macAddress)})
  WHERE clash.removedAt IS NULL
  WITH n, pg, net, m, subnets, collect(clash.openstackId) AS clashes
  RETURN [x IN collect({key: n.key, macAddress: toLower(n.macAddress), portGroup: pg.name, portGroupId: pg.id,
                        networkId: net.id, network: net.name, subnetId: m.subnetId,
                        subnets: [s IN subnets | {id: s.id, cidr: s.cidr}],
                        fixedIp: n.plannedFixedIp, clashingPorts: clashes}) WHERE x.key IS NOT NULL] AS nics
}
OPTIONAL MATCH (:Project {id: $projectId})-[:OWNS]->(srv:Server {name: vm.name})
OPTIONAL MATCH (:Cloud {id: $cloudId})-[:DEFAULT_VOLUME_TYPE]->(dvt:VolumeType)
RETURN vm.id AS vmId, vm.name AS name, vm.powerState AS powerState, vm.guestId AS guestId,
       vm.firmware AS firmware, vm.hardwareVersion AS hardwareVersion, vm.template AS template,
       vm.changeTrackingEnabled AS changeTrackingEnabled, vm.changeTrackingSupported AS changeTrackingSupported,
       disks, nics, count(srv) > 0 AS nameTaken, dvt.name AS defaultVolumeType
