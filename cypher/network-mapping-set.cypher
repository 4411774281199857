// Confirms port group -> network for one cloud; a previous mapping of that port group into the same cloud is replaced.
MATCH (pg:PortGroup {id: $portGroupId}), (net:Network {id: $networkId})
OPTIONAL MATCH (pg)-[old:MAPS_TO]->(:Network {cloudId: net.cloudId})
DELETE old
WITH DISTINCT pg, net
MERGE (pg)-[m:MAPS_TO]->(net)
SET m.subnetId = $subnetId, m.confirmedAt = datetime($now), m.confirmedBy = $confirmedBy
RETURN pg.id AS portGroupId, pg.name AS portGroupName, net.id AS networkId, net.name AS networkName, m.subnetId AS subnetId
