import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient, Row } from '../graph/graph-client.js';

/** Totals of the source estate for one vCenter (by configured name) or all of them. */
export async function estateSummary(graph: GraphClient, vcenterName: string | null): Promise<Row> {
  let vcenterId: string | null = null;
  if (vcenterName) {
    const [vc] = await graph.read('vcenter-by-name', { name: vcenterName });
    if (!vc) throw new FfoError(ErrorCode.NOT_FOUND, `no discovered vCenter named "${vcenterName}"`);
    vcenterId = vc.id as string;
  }
  const [row] = await graph.read('estate-summary', { vcenterId });
  return row!;
}
