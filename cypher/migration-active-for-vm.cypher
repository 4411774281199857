// The unfinished migration of a VM, if any (why a start was refused).
MATCH (vm:VM {id: $vmId})<-[:MIGRATES]-(m:Migration)
WHERE m.status IN ['queued', 'running', 'rolling_back']
RETURN m.id AS id, m.status AS status, m.phase AS phase
