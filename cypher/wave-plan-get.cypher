// A plan with its waves in order: per wave the VM names and its move groups with their members.
MATCH (p:WavePlan {id: $planId})
CALL {
  WITH p
  OPTIONAL MATCH (w:Wave)-[:IN_PLAN]->(p)
  WITH w ORDER BY w.index
  RETURN collect(w {.*, vms: COLLECT { MATCH (v:VM)-[:IN_WAVE]->(w) RETURN v.name ORDER BY v.name }}) AS waves
}
CALL {
  WITH p
  OPTIONAL MATCH (mg:MoveGroup)-[:IN_PLAN]->(p)
  WITH mg ORDER BY mg.name
  RETURN collect(mg {.id, .name, .size, members: COLLECT { MATCH (v:VM)-[:IN_MOVE_GROUP]->(mg) RETURN v.name ORDER BY v.name }})
         AS moveGroups
}
RETURN p {.*, createdAt: toString(p.createdAt), plannedAt: toString(p.plannedAt)} AS plan,
       [w IN waves WHERE w.id IS NOT NULL] AS waves,
       [g IN moveGroups WHERE g.id IS NOT NULL] AS moveGroups
