// DEPENDS_ON edges of a synthetic estate (rows: [from id, to id]).
UNWIND $rows AS row
MATCH (a:VM {id: row[0]}), (b:VM {id: row[1]})
CREATE (a)-[:DEPENDS_ON {source: 'synthetic', confidence: 1.0}]->(b)
RETURN count(*) AS edges
