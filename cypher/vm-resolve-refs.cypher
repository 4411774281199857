// Resolves VM references (an id or a display name) to the ids of VMs that still exist. A ref that matches
// nothing or more than one VM comes back with zero or several ids, and the caller refuses it.
UNWIND $refs AS ref
CALL {
  WITH ref
  MATCH (v:VM {id: ref}) WHERE v.removedAt IS NULL
  RETURN v
  UNION
  WITH ref
  MATCH (v:VM {name: ref}) WHERE v.removedAt IS NULL
  RETURN v
}
RETURN ref, collect(DISTINCT v.id) AS ids
