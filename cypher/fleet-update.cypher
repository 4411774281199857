// Changes a fleet (status, current wave, progress figures); finishedAt when it ends.
MATCH (f:Fleet {id: $fleetId})
SET f += $changes
FOREACH (_ IN CASE WHEN $changes.status IN ['completed', 'cancelled'] AND f.finishedAt IS NULL THEN [1] ELSE [] END |
  SET f.finishedAt = datetime())
RETURN f.status AS status
