// bench/waves only: stands in for a Layer 1 migration that finishes at once, to measure the orchestrator alone.
MATCH (v:VM {id: $vmId})
CREATE (m:Migration {id: $id, vmName: v.name, status: 'completed', phase: 'verify', mode: 'cold', createdAt: datetime()})
CREATE (m)-[:MIGRATES]->(v)
RETURN m.id AS id
