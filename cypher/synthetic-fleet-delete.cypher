// bench/waves only: removes the fleets, items, events and stand-in migrations of a synthetic estate.
CALL {
  MATCH (f:Fleet) WHERE f.id STARTS WITH $prefix RETURN f AS n
  UNION
  MATCH (i:FleetItem) WHERE i.fleetId STARTS WITH $prefix RETURN i AS n
  UNION
  MATCH (e:FleetEvent) WHERE e.fleetId STARTS WITH $prefix RETURN e AS n
  UNION
  MATCH (m:Migration)-[:MIGRATES]->(:VM {vcenterId: $prefix}) RETURN m AS n
}
CALL {
  WITH n
  DETACH DELETE n
} IN TRANSACTIONS OF 5000 ROWS
RETURN count(*) AS deleted
