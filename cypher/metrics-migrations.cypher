// Migrations by status and phase, for the ffo_migrations gauge (computed at scrape time: right across processes).
MATCH (m:Migration)
RETURN m.status AS status, coalesce(m.phase, 'none') AS phase, count(*) AS migrations
