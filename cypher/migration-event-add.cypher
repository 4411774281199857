MATCH (m:Migration {id: $migrationId})
CREATE (e:MigrationEvent {id: $id, at: datetime($at), phase: $phase, level: $level, kind: $kind,
                          message: $message, data: $data})
CREATE (m)-[:LOGGED]->(e)
RETURN e.id AS id
