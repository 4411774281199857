// Removes a synthetic estate and the wave plans named after it, in batches (100k VMs do not fit one transaction).
CALL {
  MATCH (n:VM {vcenterId: $prefix}) RETURN n
  UNION
  MATCH (n:Disk {vcenterId: $prefix}) RETURN n
  UNION
  MATCH (n:Host {vcenterId: $prefix}) RETURN n
  UNION
  MATCH (n:Datastore {vcenterId: $prefix}) RETURN n
  UNION
  MATCH (n:Cluster {vcenterId: $prefix}) RETURN n
  UNION
  MATCH (p:WavePlan) WHERE p.name STARTS WITH $prefix
  OPTIONAL MATCH (x)-[:IN_PLAN]->(p)
  UNWIND [p, x] AS n
  WITH n WHERE n IS NOT NULL
  RETURN n
}
CALL {
  WITH n
  DETACH DELETE n
} IN TRANSACTIONS OF 5000 ROWS
RETURN count(*) AS deleted
