MATCH (ds:Datastore)
WHERE (ds.id = $ref OR ds.name = $ref) AND ds.removedAt IS NULL
RETURN ds.id AS id, ds.name AS name
