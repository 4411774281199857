// What network mapping works from: port groups that live VMs use (with their current mapping into the cloud,
// if any, and the VMs they would strand) and the cloud's networks with their subnets.
CALL {
  MATCH (vm:VM)-[:HAS_NIC]->(:Nic)-[:CONNECTED_TO]->(pg:PortGroup)
  WHERE vm.removedAt IS NULL AND pg.removedAt IS NULL AND ($vmIds IS NULL OR vm.id IN $vmIds)
  WITH pg, collect(DISTINCT vm.name) AS vmNames
  OPTIONAL MATCH (pg)-[m:MAPS_TO]->(net:Network {cloudId: $cloudId})
  RETURN collect({id: pg.id, name: pg.name, kind: pg.kind, vlanId: pg.vlanId, vmNames: vmNames,
                  mappedNetworkId: net.id, mappedNetworkName: net.name, subnetId: m.subnetId}) AS portGroups
}
CALL {
  MATCH (net:Network {cloudId: $cloudId})
  WHERE net.removedAt IS NULL
  OPTIONAL MATCH (net)-[:HAS_SUBNET]->(s:Subnet)
  WHERE s.removedAt IS NULL
  WITH net, collect({id: s.id, name: s.name, cidr: s.cidr}) AS subnets
  RETURN collect({id: net.id, name: net.name, segmentationId: net.segmentationId, external: net.external,
                  shared: net.shared, subnets: [s IN subnets WHERE s.id IS NOT NULL]}) AS networks
}
RETURN portGroups, networks
