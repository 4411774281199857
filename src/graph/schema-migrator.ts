import { cypher, splitStatements } from './cypher-catalog.js';
import type { GraphClient } from './graph-client.js';

/** Another process (API and worker start together) created the same rule between our check and our create. */
function isConcurrentDuplicate(error: unknown): boolean {
  const code = String((error as { cause?: { code?: unknown } }).cause?.code ?? '');
  return /EquivalentSchemaRuleAlreadyExists|IndexAlreadyExists|ConstraintAlreadyExists/.test(code);
}

/** Applies cypher/constraints.cypher; every statement is IF NOT EXISTS, so this is safe on every start. */
export async function applyConstraints(graph: GraphClient): Promise<number> {
  const statements = splitStatements(cypher('constraints').text);
  for (const statement of statements) {
    try {
      await graph.runText(statement);
    } catch (error) {
      if (!isConcurrentDuplicate(error)) throw error;
    }
  }
  return statements.length;
}
