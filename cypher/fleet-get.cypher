// One fleet.
MATCH (f:Fleet {id: $fleetId})
RETURN f {.*, createdAt: toString(f.createdAt), startedAt: toString(f.startedAt), finishedAt: toString(f.finishedAt)}
       AS fleet
