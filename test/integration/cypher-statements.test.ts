import { cypher, listCypherNames } from '../../src/graph/cypher-catalog.js';
import type { GraphClient } from '../../src/graph/graph-client.js';
import { openGraph } from './support/lab.js';

// Every statement in cypher/ must compile on the real Neo4j 5.26 + APOC of the lab (EXPLAIN plans without
// running anything), so a typo in a rarely used file fails here, not in production.
describe('Cypher catalogue on the lab Neo4j', () => {
  let graph: GraphClient;
  beforeAll(async () => {
    graph = await openGraph();
  });
  afterAll(async () => {
    await graph.close();
  });

  it.each(listCypherNames().filter((name) => name !== 'constraints'))('%s plans', async (name) => {
    const params = Object.fromEntries(cypher(name).parameters.map((p) => [p, null]));
    await expect(graph.runText(`EXPLAIN ${cypher(name).text}`, params)).resolves.toEqual([]);
  });
});
