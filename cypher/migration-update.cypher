// Sets migration properties; with $fromStatuses non-empty only when the current status is one of them
// (no row = the guard refused), so concurrent controls cannot both win.
MATCH (m:Migration {id: $id})
WHERE size($fromStatuses) = 0 OR m.status IN $fromStatuses
SET m += $props
RETURN m.id AS id, m.status AS status, m.phase AS phase
