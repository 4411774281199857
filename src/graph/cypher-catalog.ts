import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FfoError, ErrorCode } from '../errors/index.js';

/** cypher/ at the repository root; the same relative path from src/graph and dist/graph. */
export const CYPHER_DIR = fileURLToPath(new URL('../../cypher/', import.meta.url));

export interface CypherStatement {
  name: string;
  text: string;
  /** `$name` parameters the statement reads, sorted; contract tests pin them. */
  parameters: string[];
}

const cache = new Map<string, CypherStatement>();

/** Strips `//` comments and string literals so parameter extraction does not see `$` inside them. */
function codeOnly(text: string): string {
  return text
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''")
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('\n');
}

export function extractParameters(text: string): string[] {
  const names = new Set<string>();
  for (const match of codeOnly(text).matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  return [...names].sort();
}

/** Loads `cypher/<name>.cypher` once; unknown names are programming errors and fail loudly. */
export function cypher(name: string): CypherStatement {
  const hit = cache.get(name);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(`${CYPHER_DIR}${name}.cypher`, 'utf8');
  } catch (cause) {
    throw new FfoError(ErrorCode.INTERNAL, `no Cypher statement named "${name}" in ${CYPHER_DIR}`, { cause });
  }
  const statement = { name, text, parameters: extractParameters(text) };
  cache.set(name, statement);
  return statement;
}

export function listCypherNames(): string[] {
  return readdirSync(CYPHER_DIR)
    .filter((file) => file.endsWith('.cypher'))
    .map((file) => file.slice(0, -'.cypher'.length))
    .sort();
}

/** Splits a multi-statement file (constraints) on `;` at line ends, dropping comments. */
export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}
