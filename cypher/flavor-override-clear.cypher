MATCH (vm:VM {id: $vmId})-[r:FLAVOR_OVERRIDE]->(:Flavor {cloudId: $cloudId})
DELETE r
RETURN count(r) AS cleared
