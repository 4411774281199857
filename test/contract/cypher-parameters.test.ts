import { cypher, listCypherNames } from '../../src/graph/cypher-catalog.js';
import { checkParameters } from '../../src/graph/graph-client.js';
import { ErrorCode, type FfoError } from '../../src/errors/index.js';

// Each statement's parameters are its contract with the TypeScript that calls it. The snapshot pins them;
// checkParameters enforces them at every call, before anything reaches Neo4j.
describe('Cypher statement contracts', () => {
  it('pins the parameters of every statement in cypher/', () => {
    const contracts = Object.fromEntries(listCypherNames().map((name) => [name, cypher(name).parameters]));
    expect(contracts).toMatchSnapshot();
  });

  it('refuses a call that misses a parameter', () => {
    expect(() => checkParameters('dependency-remove', { from: 'a' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INTERNAL }) as unknown as FfoError,
    );
    expect(() => checkParameters('dependency-remove', { from: 'a', to: 'b' })).not.toThrow();
  });

  it('keeps Cypher out of TypeScript: every statement name used in src exists', async () => {
    const { readFileSync, readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('src');
    const names = new Set(listCypherNames());
    const used = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.(?:read|write|run)\(\s*'([a-z0-9-]+)'/g)) used.add(m[1]!);
      // No inline Cypher: MATCH/MERGE/CREATE clauses belong in cypher/*.cypher.
      expect({ file, inline: /['`"]\s*(MATCH|MERGE|UNWIND|CREATE)\s+\(/.test(text) }).toEqual({
        file,
        inline: false,
      });
    }
    expect([...used].filter((n) => !names.has(n))).toEqual([]);
  });
});
