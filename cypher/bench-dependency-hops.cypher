// bench/api: the 3-hop dependency query as hand-written Cypher, the same shape the GraphQL query
// `vms(where: {id: {eq: $vmId}}) { id name dependsOn { id name dependsOn { id name dependsOn { id name } } } }` returns.
MATCH (v:VM {id: $vmId})
RETURN v.id AS id, v.name AS name,
       COLLECT {
         MATCH (v)-[:DEPENDS_ON]->(a:VM)
         RETURN a {.id, .name, dependsOn: COLLECT {
           MATCH (a)-[:DEPENDS_ON]->(b:VM)
           RETURN b {.id, .name, dependsOn: COLLECT {
             MATCH (b)-[:DEPENDS_ON]->(c:VM)
             RETURN c {.id, .name}
           }}
         }}
       } AS dependsOn
