// A plan's status and the fleet that runs it (why a start was refused).
MATCH (p:WavePlan {id: $planId})
OPTIONAL MATCH (f:Fleet)-[:RUNS_PLAN]->(p)
RETURN p.status AS status, f.id AS fleetId, f.status AS fleetStatus
