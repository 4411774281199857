import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';

export interface ProjectScope {
  cloudId: string;
  /** Twin id "<cloud>/<OpenStack project id>". */
  id: string;
  openstackId: string;
  name: string;
}

/**
 * The target project a question is about: by name or OpenStack id, or — without one — the only project
 * discovered for that cloud. Anything else is refused rather than guessed.
 */
export async function resolveProject(
  graph: GraphClient,
  cloud: string,
  ref: string | null,
): Promise<ProjectScope> {
  const rows = await graph.read('project-resolve', { cloudId: cloud, ref });
  if (rows.length === 1) {
    const row = rows[0]!;
    return {
      cloudId: cloud,
      id: row.id as string,
      openstackId: row.openstackId as string,
      name: row.name as string,
    };
  }
  if (rows.length === 0) {
    throw new FfoError(
      ErrorCode.NOT_FOUND,
      ref
        ? `no project "${ref}" discovered in cloud "${cloud}"`
        : `cloud "${cloud}" has not been discovered yet (discoverTarget first)`,
      { details: { cloud, project: ref } },
    );
  }
  throw new FfoError(ErrorCode.BAD_INPUT, `cloud "${cloud}" has ${rows.length} projects; name one`, {
    details: { cloud, projects: rows.map((r) => r.name) },
  });
}
