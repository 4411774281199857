// A VM of the fleet will not migrate (skipped, rolled back, cancelled): everything in the fleet that needs it,
// directly or not, is blocked with the reason; so are its move-group mates that have not started. A breadth-first
// expansion (apoc.path.subgraphNodes visits each node once), never a path enumeration.
MATCH (i:FleetItem {fleetId: $fleetId, vmId: $vmId})
OPTIONAL MATCH (mate:FleetItem {fleetId: $fleetId})
WHERE i.moveGroup IS NOT NULL AND mate.moveGroup = i.moveGroup AND mate.state IN ['pending', 'held']
WITH i, collect(mate.vmId) + [i.vmId] AS roots
MATCH (root:VM) WHERE root.id IN roots
CALL apoc.path.subgraphNodes(root, {relationshipFilter: '<DEPENDS_ON', labelFilter: '+VM'}) YIELD node
WITH DISTINCT node
MATCH (blocked:FleetItem {fleetId: $fleetId, vmId: node.id})
WHERE blocked.state IN ['pending', 'held']
SET blocked.state = 'blocked', blocked.reason = $reason
RETURN collect(blocked.vmName) AS blocked
