// The generated GraphQL API runs its Cypher through AutoCommitExecution (api-context): checked against the real
// Neo4j and @neo4j/graphql, with the driver's sessions watched, so a library change that stopped using it (and
// fell back to transaction functions) or broke its answers fails here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphql, type GraphQLSchema } from 'graphql';
import type { Driver, Session } from 'neo4j-driver';
import { apiContext, type ApiServices } from '../../src/api/api-context.js';
import { buildSchema } from '../../src/api/schema-builder.js';
import { GraphClient } from '../../src/graph/graph-client.js';
import { labConfig, openGraph, uniqueName } from './support/lab.js';

let graph: GraphClient;
let watched: GraphClient;
let schema: GraphQLSchema;
const calls: string[] = [];
const prefix = uniqueName('gql-exec');
const id = (i: number) => `${prefix}-${i}`;

/** The same driver, its sessions reporting which of their methods are used. */
function watchSessions(driver: Driver): Driver {
  return new Proxy(driver, {
    get(target, key, receiver) {
      if (key !== 'session') return Reflect.get(target, key, receiver) as unknown;
      return (...args: Parameters<Driver['session']>) => {
        const session = target.session(...args);
        return new Proxy(session, {
          get(s, name, r) {
            const value = Reflect.get(s, name, r) as unknown;
            if (typeof value !== 'function') return value;
            if (typeof name === 'string' && name !== 'close') calls.push(name);
            return (value as (...a: unknown[]) => unknown).bind(s);
          },
        }) as Session;
      };
    },
  });
}

beforeAll(async () => {
  const config = labConfig();
  graph = await openGraph(config);
  watched = new GraphClient(config.graph, watchSessions(graph.driver));
  schema = await buildSchema(graph.driver);
  // 0 → 1, 2; 1 → 3; 2 → 3, 4; 3 → 5: three hops from 0 reach 1..5.
  await graph.runText(
    `UNWIND range(0, 5) AS i CREATE (:VM {id: $prefix + '-' + i, name: 'vm ' + i})
     WITH count(*) AS created
     UNWIND [[0, 1], [0, 2], [1, 3], [2, 3], [2, 4], [3, 5]] AS e
     MATCH (a:VM {id: $prefix + '-' + e[0]}), (b:VM {id: $prefix + '-' + e[1]})
     CREATE (a)-[:DEPENDS_ON]->(b)`,
    { prefix },
  );
});

afterAll(async () => {
  await graph.runText('MATCH (v:VM) WHERE v.id STARTS WITH $prefix DETACH DELETE v', { prefix });
  await graph.close();
});

describe('GraphQL execution through auto-commit statements', () => {
  it('answers the 3-hop dependency query like the hand-written Cypher, with session.run only', async () => {
    const services = { graph: watched } as unknown as ApiServices;
    const query = () =>
      graphql({
        schema,
        source:
          'query($id: ID!) { vms(where: {id: {eq: $id}}) { id name dependsOn { id name dependsOn { id name dependsOn { id name } } } } }',
        variableValues: { id: id(0) },
        contextValue: apiContext({ subject: 'exec-test', roles: ['analyst'], claims: {} }, services),
      });
    // The first request also asks the server for its version (@neo4j/graphql does that once per schema).
    expect((await query()).errors).toBeUndefined();
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls)).toEqual(new Set(['run']));
    calls.length = 0;
    const result = await query();
    expect(result.errors).toBeUndefined();
    expect(calls).toEqual(['run']);

    type Vm = { id: string; name: string; dependsOn?: Vm[] };
    const paths = (vm: Vm, path: string[] = []): string[] => {
      const here = [...path, vm.id];
      const below = (vm.dependsOn ?? []).flatMap((d) => paths(d, here));
      return below.length > 0 ? below : [here.join('>')];
    };
    const [root] = (result.data as { vms: Vm[] }).vms;
    const [raw] = await graph.read('bench-dependency-hops', { vmId: id(0) });
    expect(paths(root!).sort()).toEqual(paths(raw as unknown as Vm).sort());
    expect(paths(root!).sort()).toEqual(
      [
        [0, 1, 3, 5],
        [0, 2, 3, 5],
        [0, 2, 4],
      ].map((p) => p.map(id).join('>')),
    );
  });
});
