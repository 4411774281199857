// Fleets, newest first.
MATCH (f:Fleet)
RETURN f {.*, createdAt: toString(f.createdAt), startedAt: toString(f.startedAt), finishedAt: toString(f.finishedAt)}
       AS fleet
ORDER BY f.createdAt DESC
LIMIT 100
