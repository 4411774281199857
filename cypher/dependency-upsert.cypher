// Adds or updates DEPENDS_ON edges between already-resolved VM ids, in one transaction (all or nothing).
UNWIND $rows AS row
MATCH (a:VM {id: row.from}), (b:VM {id: row.to})
OPTIONAL MATCH (a)-[existing:DEPENDS_ON]->(b)
WITH a, b, row, existing IS NULL AS isNew
MERGE (a)-[r:DEPENDS_ON]->(b)
ON CREATE SET r.createdAt = datetime($now)
SET r.source = row.source, r.reason = row.reason, r.confidence = row.confidence
RETURN a.id AS from, b.id AS to, r.source AS source, r.reason AS reason, r.confidence AS confidence, isNew
