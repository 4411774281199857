MATCH (m:Migration {id: $migrationId})-[:LOGGED]->(e:MigrationEvent)
RETURN e {.*, at: toString(e.at)} AS event
ORDER BY e.at, e.id
