import { z } from 'zod';

/**
 * The options of vmware_migrate_vm: the GraphQL startMigration options in lower case. zod checks each one;
 * parseMigrationOptions (the engine's own validation) then checks how they combine, both before anything exists.
 */
export const migrationOptionsShape = {
  mode: z.enum(['cold', 'warm']).optional().describe('cold (default) or warm (pre-copy while running)'),
  pipeline: z.enum(['auto', 'nbd', 'http']).optional(),
  cutover: z
    .enum(['manual', 'auto', 'scheduled'])
    .optional()
    .describe('warm only: manual (twin_cutover), auto (small delta) or scheduled (cutoverAt)'),
  cutoverAt: z.iso.datetime({ offset: true }).optional(),
  deltaIntervalSeconds: z.number().int().min(1).max(86400).optional(),
  autoCutoverBytes: z.number().int().min(0).optional(),
  flavorOverride: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  conversion: z.enum(['auto', 'none', 'minimal', 'full']).optional(),
  verifyChecksums: z.boolean().optional(),
  powerOnSourceAfter: z.boolean().optional(),
};

export const followInput = z
  .boolean()
  .default(false)
  .describe(
    'keep the call open and send notifications/progress (needs a progressToken) until a stable point: ' +
      'waiting for cutover, completed or failed',
  );
