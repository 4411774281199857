import { ErrorCode, FfoError } from '../errors/index.js';
import type { MigrationMode, Pipeline, PipelineChoice } from './migration-types.js';

/** What the conversion host offers, as far as choosing a transfer pipeline goes. */
export interface PipelineFacts {
  nbdkit: boolean;
  nbdkitCurlPlugin: boolean;
  nbdcopy: boolean;
  qemuImg: boolean;
  /** A VDDK library directory is configured and usable. */
  vddk: boolean;
  /** The target volumes can be written from this host (e.g. the Cinder NFS export is mounted here). */
  targetWritable: boolean;
  targetWritableReason: string;
}

export interface PipelineDecision {
  pipeline: Pipeline;
  /** Source transport of the NBD pipeline. */
  source: 'vddk' | 'http' | null;
  reason: string;
}

/**
 * Pipeline A (NBD) when the host can both read the source over NBD and write the target volumes; otherwise
 * pipeline B (HTTP download + Glance). The reason is stored on the migration so operators see why.
 */
export function selectPipeline(
  choice: PipelineChoice,
  mode: MigrationMode,
  facts: PipelineFacts,
): PipelineDecision {
  const nbdProblems: string[] = [];
  if (!facts.nbdkit) nbdProblems.push('nbdkit is not installed');
  if (!facts.nbdcopy) nbdProblems.push('nbdcopy is not installed');
  if (!facts.vddk && !facts.nbdkitCurlPlugin)
    nbdProblems.push('neither VDDK nor the nbdkit curl plugin is available');
  if (!facts.targetWritable) nbdProblems.push(facts.targetWritableReason);
  const source = facts.vddk ? 'vddk' : 'http';
  const sourceWhy = facts.vddk
    ? 'VDDK library configured → nbdkit vddk'
    : 'no VDDK library → NBD over datastore HTTP (nbdkit curl)';
  const httpProblems: string[] = [];
  if (!facts.qemuImg) httpProblems.push('qemu-img is not installed');

  if (choice === 'nbd' || (choice === 'auto' && nbdProblems.length === 0)) {
    if (nbdProblems.length > 0) {
      throw new FfoError(
        ErrorCode.DISK_TOOL_MISSING,
        `the NBD pipeline cannot run here: ${nbdProblems.join('; ')}`,
        {
          details: { problems: nbdProblems },
        },
      );
    }
    return {
      pipeline: 'nbd',
      source,
      reason: `${choice === 'auto' ? 'auto: ' : 'requested: '}NBD pipeline; ${sourceWhy}; target ${facts.targetWritableReason}`,
    };
  }
  if (mode === 'warm' && choice === 'http') {
    throw new FfoError(
      ErrorCode.BAD_INPUT,
      'a warm migration needs the NBD pipeline (HTTP copies whole files, no deltas)',
    );
  }
  if (mode === 'warm') {
    throw new FfoError(
      ErrorCode.DISK_TOOL_MISSING,
      `a warm migration needs the NBD pipeline, which cannot run here: ${nbdProblems.join('; ')}`,
      { details: { problems: nbdProblems } },
    );
  }
  if (httpProblems.length > 0) {
    throw new FfoError(
      ErrorCode.DISK_TOOL_MISSING,
      `the HTTP pipeline cannot run here: ${httpProblems.join('; ')}`,
      {
        details: { problems: httpProblems },
      },
    );
  }
  return {
    pipeline: 'http',
    source: null,
    reason:
      choice === 'http'
        ? 'requested: HTTP pipeline (datastore download, qemu-img, Glance, volume from image)'
        : `auto: HTTP pipeline because ${nbdProblems.join('; ')}`,
  };
}
