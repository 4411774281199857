// Moves a fleet between statuses only from the expected ones (a pause racing the fleet's completion loses).
MATCH (f:Fleet {id: $fleetId})
WHERE f.status IN $from
SET f.status = $to, f.statusReason = $reason
RETURN f.status AS status
