import { ErrorCode, FfoError } from '../errors/index.js';
import type { GraphClient } from '../graph/graph-client.js';
import { type DependencyFileFormat, parseDependencyFile, type RowProblem } from './dependency-file-parser.js';
import { resolveVmRefs } from './vm-resolver.js';

export interface DependencyEdge {
  from: string;
  to: string;
  source: string;
  reason: string | null;
  confidence: number;
}

export interface ImportResult {
  imported: number;
  created: number;
  updated: number;
}

export type ClosureDirection = 'UPSTREAM' | 'DOWNSTREAM';

export interface ClosureVm {
  id: string;
  name: string;
  powerState: string;
  depth: number;
}

export interface DependencyClosure {
  root: ClosureVm;
  direction: ClosureDirection;
  maxDepth: number;
  vms: ClosureVm[];
  edges: DependencyEdge[];
  truncated: boolean;
}

export const MAX_CLOSURE_DEPTH = 25;

/** DEPENDS_ON edges: add/remove one, import many all-or-nothing, and bounded closures. */
export class DependencyService {
  constructor(private readonly graph: GraphClient) {}

  resolveVms(refs: string[]) {
    return resolveVmRefs(this.graph, refs);
  }

  async add(
    from: string,
    to: string,
    reason: string | null,
    confidence: number,
    source: string,
  ): Promise<DependencyEdge> {
    if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
      throw new FfoError(ErrorCode.BAD_INPUT, 'confidence must be from 0 to 1', { details: { confidence } });
    }
    const { ids, problems } = await this.resolveVms([from, to]);
    if (problems.size > 0) {
      throw new FfoError(ErrorCode.NOT_FOUND, [...problems.values()].join('; '), {
        details: { refs: [...problems.keys()] },
      });
    }
    const fromId = ids.get(from)!;
    const toId = ids.get(to)!;
    if (fromId === toId) {
      throw new FfoError(ErrorCode.DEPENDENCY_SELF_LOOP, 'a VM cannot depend on itself', {
        details: { vm: fromId },
      });
    }
    const [edge] = await this.graph.write('dependency-upsert', {
      now: new Date().toISOString(),
      rows: [{ from: fromId, to: toId, reason, confidence, source }],
    });
    return toEdge(edge!);
  }

  async remove(from: string, to: string): Promise<boolean> {
    const { ids, problems } = await this.resolveVms([from, to]);
    if (problems.size > 0) {
      throw new FfoError(ErrorCode.NOT_FOUND, [...problems.values()].join('; '), {
        details: { refs: [...problems.keys()] },
      });
    }
    const [row] = await this.graph.write('dependency-remove', { from: ids.get(from), to: ids.get(to) });
    return Number(row?.removed ?? 0) > 0;
  }

  /**
   * Imports a whole file in one transaction. Any malformed row or unknown VM refuses the import as a whole
   * with every bad row listed (DEPENDENCY_IMPORT_INVALID); nothing is written then.
   */
  async import(content: string, format: DependencyFileFormat, source: string): Promise<ImportResult> {
    const { rows, problems } = parseDependencyFile(content, format);
    const all: RowProblem[] = [...problems];
    const { ids, problems: unknown } = await this.resolveVms(rows.flatMap((row) => [row.from, row.to]));
    for (const row of rows) {
      for (const ref of [row.from, row.to]) {
        const problem = unknown.get(ref);
        if (problem) all.push({ line: row.line, message: problem });
      }
      if (ids.get(row.from) && ids.get(row.from) === ids.get(row.to)) {
        all.push({ line: row.line, message: 'a VM cannot depend on itself' });
      }
    }
    if (rows.length === 0 && all.length === 0)
      all.push({ line: 0, message: 'the file has no dependency rows' });
    if (all.length > 0) {
      all.sort((a, b) => a.line - b.line);
      throw new FfoError(
        ErrorCode.DEPENDENCY_IMPORT_INVALID,
        `dependency import refused, ${all.length} problem(s): ` +
          all
            .slice(0, 20)
            .map((p) => `line ${p.line}: ${p.message}`)
            .join('; '),
        { details: { problems: all } },
      );
    }
    const written = await this.graph.write('dependency-upsert', {
      now: new Date().toISOString(),
      rows: rows.map((row) => ({
        from: ids.get(row.from),
        to: ids.get(row.to),
        reason: row.reason,
        confidence: row.confidence,
        source,
      })),
    });
    const created = new Set(
      written.filter((r) => r.isNew).map((r) => `${r.from as string}>${r.to as string}`),
    ).size;
    const pairs = new Set(written.map((r) => `${r.from as string}>${r.to as string}`)).size;
    return { imported: rows.length, created, updated: pairs - created };
  }

  async closure(vm: string, direction: ClosureDirection, maxDepth: number): Promise<DependencyClosure> {
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_CLOSURE_DEPTH) {
      throw new FfoError(ErrorCode.BAD_INPUT, `maxDepth must be an integer from 1 to ${MAX_CLOSURE_DEPTH}`, {
        details: { maxDepth },
      });
    }
    const { ids, problems } = await this.resolveVms([vm]);
    if (problems.size > 0) throw new FfoError(ErrorCode.NOT_FOUND, problems.get(vm)!, { details: { vm } });
    const [row] = await this.graph.read('dependency-closure', {
      vmId: ids.get(vm),
      maxDepth,
      relationshipFilter: direction === 'UPSTREAM' ? 'DEPENDS_ON>' : '<DEPENDS_ON',
    });
    if (!row) throw new FfoError(ErrorCode.NOT_FOUND, `unknown VM "${vm}"`, { details: { vm } });
    const vms = (row.vms as ClosureVm[]).sort((a, b) => a.depth - b.depth || a.name.localeCompare(b.name));
    return {
      root: row.root as ClosureVm,
      direction,
      maxDepth,
      vms,
      edges: (row.edges as Record<string, unknown>[]).map(toEdge),
      truncated: Boolean(row.truncated),
    };
  }
}

function toEdge(row: Record<string, unknown>): DependencyEdge {
  return {
    from: row.from as string,
    to: row.to as string,
    source: (row.source as string | null) ?? 'unknown',
    reason: (row.reason as string | null) ?? null,
    confidence: Number(row.confidence ?? 1),
  };
}
