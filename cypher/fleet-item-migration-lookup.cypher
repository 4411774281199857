// After an orchestrator crash between starting a migration and recording it: the VM's migration created since.
MATCH (v:VM {id: $vmId})<-[:MIGRATES]-(m:Migration)
WHERE m.createdAt >= datetime($since)
RETURN m.id AS id, m.status AS status
ORDER BY m.createdAt DESC
LIMIT 1
