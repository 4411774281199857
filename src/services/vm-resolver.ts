import type { GraphClient } from '../graph/graph-client.js';

export interface ResolvedVms {
  ids: Map<string, string>;
  problems: Map<string, string>;
}

/** Resolves refs (a VM id or a unique display name) to ids; unknown or ambiguous refs are reported, never guessed. */
export async function resolveVmRefs(graph: GraphClient, refs: string[]): Promise<ResolvedVms> {
  const unique = [...new Set(refs)];
  const rows = await graph.read('vm-resolve-refs', { refs: unique });
  const found = new Map(rows.map((row) => [row.ref as string, row.ids as string[]]));
  const ids = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const ref of unique) {
    const matches = found.get(ref) ?? [];
    if (matches.length === 1) ids.set(ref, matches[0]!);
    else if (matches.length === 0) problems.set(ref, `unknown VM "${ref}"`);
    else problems.set(ref, `"${ref}" names ${matches.length} VMs; use the VM id`);
  }
  return { ids, problems };
}
