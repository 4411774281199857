// Datastore -> volume type for one cloud; replaces a previous mapping into the same cloud.
MATCH (ds:Datastore {id: $datastoreId}), (vt:VolumeType {id: $volumeTypeId})
OPTIONAL MATCH (ds)-[old:MAPS_TO]->(:VolumeType {cloudId: vt.cloudId})
DELETE old
WITH DISTINCT ds, vt
MERGE (ds)-[m:MAPS_TO]->(vt)
SET m.confirmedAt = datetime($now)
RETURN ds.id AS datastoreId, ds.name AS datastoreName, vt.id AS volumeTypeId, vt.name AS volumeTypeName
