MATCH (m:Migration {id: $id})
OPTIONAL MATCH (m)-[:MIGRATES]->(vm:VM)
RETURN m {.*, createdAt: toString(m.createdAt), startedAt: toString(m.startedAt),
          finishedAt: toString(m.finishedAt), cutoverAt: toString(m.cutoverAt),
          cutoverRequestedAt: toString(m.cutoverRequestedAt), cancelRequestedAt: toString(m.cancelRequestedAt)} AS migration,
       vm.id AS vmId
