MATCH (:Migration {id: $migrationId})-[:MADE]->(r:MigrationResource)
RETURN r {.*, createdAt: toString(r.createdAt)} AS resource
ORDER BY r.createdAt, r.id
