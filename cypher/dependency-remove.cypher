MATCH (:VM {id: $from})-[r:DEPENDS_ON]->(:VM {id: $to})
DELETE r
RETURN count(r) AS removed
