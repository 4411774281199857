// Every DEPENDS_ON edge among the VMs of a synthetic estate: what an in-memory planner has to load first.
MATCH (a:VM {vcenterId: $prefix})-[:DEPENDS_ON]->(b:VM {vcenterId: $prefix})
RETURN a.id AS from, b.id AS to
