import { cypher, splitStatements } from './cypher-catalog.js';
import type { GraphClient } from './graph-client.js';

/** Applies cypher/constraints.cypher; every statement is IF NOT EXISTS, so this is safe on every start. */
export async function applyConstraints(graph: GraphClient): Promise<number> {
  const statements = splitStatements(cypher('constraints').text);
  for (const statement of statements) await graph.runText(statement);
  return statements.length;
}
