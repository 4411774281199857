// Records a resource before it is created (intent), so a retry reuses it and a rollback removes exactly it.
MATCH (m:Migration {id: $migrationId})
MERGE (r:MigrationResource {id: $id})
  ON CREATE SET r.kind = $kind, r.key = $key, r.name = $name, r.system = $system, r.state = 'intended',
                r.createdAt = datetime()
MERGE (m)-[:MADE]->(r)
RETURN r {.*, createdAt: toString(r.createdAt)} AS resource
