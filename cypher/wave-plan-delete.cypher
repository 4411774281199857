// Removes a plan that failed while being computed, with its waves and move groups (nothing half made is kept).
CALL {
  MATCH (n:WavePlan {id: $planId}) RETURN n
  UNION
  MATCH (n:Wave {planId: $planId}) RETURN n
  UNION
  MATCH (n:MoveGroup {planId: $planId}) RETURN n
}
DETACH DELETE n
RETURN count(n) AS deleted
