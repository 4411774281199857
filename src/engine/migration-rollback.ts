import type { MigrationContext } from './migration-context.js';
import {
  deleteAttachment,
  deleteImage,
  deletePort,
  deleteServer,
  deleteVolume,
  reapMigration,
} from './target/resource-reaper.js';
import { namePrefix } from './target/target-ownership.js';
import { findServer } from './target/server-launcher.js';
import { restoreSourcePower } from './source-power.js';
import type { MigrationResource } from './migration-types.js';

/** Order of removal: what uses a resource goes before it. */
const ORDER: MigrationResource['kind'][] = [
  'server',
  'attachment',
  'volume',
  'port',
  'image',
  'flavor',
  'snapshot',
];

/**
 * Removes what the migration made — exactly the resources it recorded, then a sweep for anything tagged with its
 * id that a crash kept out of the records — removes its snapshots from the source, and powers the source back on
 * when it was on at the start. Idempotent: a rollback interrupted half-way is run again to the end.
 */
export async function rollbackMigration(
  ctx: MigrationContext,
): Promise<{ removed: string[]; poweredOn: boolean }> {
  const client = ctx.openstack();
  const removed: string[] = [];
  const resources = (await ctx.store.resources(ctx.record.id)).filter((r) => r.state !== 'deleted');
  resources.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  const ops = await ctx.vmOps();
  for (const r of resources) {
    if (r.externalId) {
      switch (r.kind) {
        case 'server':
          await deleteServer(client, r.externalId);
          break;
        case 'attachment':
          await deleteAttachment(client, r.externalId);
          break;
        case 'volume':
          await deleteVolume(client, r.externalId);
          break;
        case 'port':
          await deletePort(client, r.externalId);
          break;
        case 'image':
          await deleteImage(client, r.externalId);
          break;
        case 'snapshot':
          await ops.removeSnapshot(r.externalId).catch(async (error: unknown) => {
            // Gone already (removed by a previous attempt or by hand) is fine.
            const still = (await ops.findSnapshots(ctx.plan.vm.moid, r.name)).some(
              (s) => s.moid === r.externalId,
            );
            if (still) throw error;
          });
          break;
        default:
          break;
      }
      removed.push(`${r.kind} ${r.name} (${r.externalId})`);
    }
    await ctx.store.resourceState(r.id, 'deleted');
  }
  // The server carries the VM's name, not the migration's prefix: look for it by name and owner too.
  const orphan = await findServer(client, ctx.plan.vm.name, ctx.record.id);
  if (orphan) {
    await deleteServer(client, orphan.id);
    removed.push(`server ${orphan.id} (sweep)`);
  }
  const swept = await reapMigration(client, ctx.record.id);
  for (const s of swept.servers) removed.push(`server ${s.id} (sweep)`);
  for (const v of swept.volumes) removed.push(`volume ${v.id} (sweep)`);
  for (const p of swept.ports) removed.push(`port ${p.id} (sweep)`);
  for (const i of swept.images) removed.push(`image ${i.id} (sweep)`);
  for (const s of await ops.findSnapshots(ctx.plan.vm.moid, namePrefix(ctx.record.id))) {
    await ops.removeSnapshot(s.moid);
    removed.push(`snapshot ${s.name} (sweep)`);
  }
  const poweredOn = await restoreSourcePower(ctx);
  return { removed, poweredOn };
}
