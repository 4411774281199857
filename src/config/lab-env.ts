import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Parses the `KEY=value` lines the lab scripts write (bash `printf %q` quoting of simple values). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!;
    if (/^'.*'$/.test(value)) value = value.slice(1, -1);
    else if (/^\$'.*'$/.test(value)) value = value.slice(2, -1).replace(/\\(.)/g, '$1');
    else value = value.replace(/\\(.)/g, '$1');
    out[match[1]!] = value;
  }
  return out;
}

/**
 * Makes a running lab visible to the CLI and tests without sourcing anything: values from
 * `$FFO_LAB_DIR/lab.env` fill only variables that are not already set, so real deployments win.
 */
export function loadLabEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.FFO_LAB_DIR ?? `${REPO_ROOT}.lab`;
  const file = `${dir}/lab.env`;
  if (!existsSync(file)) return null;
  for (const [key, value] of Object.entries(parseEnvFile(readFileSync(file, 'utf8')))) {
    if (env[key] === undefined) env[key] = value;
  }
  return file;
}
