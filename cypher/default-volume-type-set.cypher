MATCH (c:Cloud {id: $cloudId}), (vt:VolumeType {id: $volumeTypeId, cloudId: $cloudId})
OPTIONAL MATCH (c)-[old:DEFAULT_VOLUME_TYPE]->()
DELETE old
WITH DISTINCT c, vt
MERGE (c)-[:DEFAULT_VOLUME_TYPE]->(vt)
RETURN c.id AS cloudId, vt.id AS volumeTypeId, vt.name AS volumeTypeName
