// Timestamps are set by the database clock; each is set at most once unless $force.
MATCH (m:Migration {id: $id})
FOREACH (_ IN CASE WHEN 'startedAt' IN $names AND (m.startedAt IS NULL OR $force) THEN [1] ELSE [] END | SET m.startedAt = datetime())
FOREACH (_ IN CASE WHEN 'finishedAt' IN $names THEN [1] ELSE [] END | SET m.finishedAt = datetime())
FOREACH (_ IN CASE WHEN 'cutoverRequestedAt' IN $names AND m.cutoverRequestedAt IS NULL THEN [1] ELSE [] END | SET m.cutoverRequestedAt = datetime())
FOREACH (_ IN CASE WHEN 'cancelRequestedAt' IN $names AND m.cancelRequestedAt IS NULL THEN [1] ELSE [] END | SET m.cancelRequestedAt = datetime())
RETURN m.id AS id
