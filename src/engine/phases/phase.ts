import type { MigrationContext } from '../migration-context.js';
import type { DiskCopier } from '../transfer/disk-copier.js';
import type { OsConverter } from '../conversion/os-converter.js';

/** What phases use besides the context: the copy and conversion implementations (swappable per host). */
export interface PhaseDeps {
  copier: DiskCopier;
  converter: OsConverter;
}

/** One step of the per-VM phase machine. Each is idempotent: run again after a crash, it finishes the job. */
export type PhaseRunner = (ctx: MigrationContext, deps: PhaseDeps) => Promise<void>;
