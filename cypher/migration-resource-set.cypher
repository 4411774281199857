MATCH (r:MigrationResource {id: $id})
SET r.externalId = coalesce($externalId, r.externalId), r.state = $state, r.data = coalesce($data, r.data),
    r.updatedAt = datetime()
RETURN r.id AS id
