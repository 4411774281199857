MATCH (net:Network {cloudId: $cloudId})
WHERE (net.id = $ref OR net.openstackId = $ref OR net.name = $ref) AND net.removedAt IS NULL
OPTIONAL MATCH (net)-[:HAS_SUBNET]->(s:Subnet)
WHERE s.removedAt IS NULL
RETURN net.id AS id, net.name AS name, [x IN collect({id: s.id, openstackId: s.openstackId, name: s.name, cidr: s.cidr}) WHERE x.id IS NOT NULL] AS subnets
