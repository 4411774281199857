// Replaces a VM's explicit flavor choice for one cloud (the caller validated it first).
MATCH (vm:VM {id: $vmId}), (f:Flavor {id: $flavorId})
OPTIONAL MATCH (vm)-[old:FLAVOR_OVERRIDE]->(:Flavor {cloudId: f.cloudId})
DELETE old
WITH DISTINCT vm, f
MERGE (vm)-[r:FLAVOR_OVERRIDE]->(f)
SET r.setAt = datetime($now), r.setBy = $setBy
RETURN vm.id AS vmId, f.id AS flavorId
