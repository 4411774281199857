import type { ApiContext } from '../api/api-context.js';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { MigrationOptionsInput } from '../engine/migration-options.js';

type Ctx = ApiContext;

/** The only configured cloud when the caller names none. */
function cloudOf(ctx: Ctx, cloud: string | null | undefined): string {
  if (cloud) return cloud;
  const names = [...ctx.services.migrations.configuredClouds()];
  if (names.length === 1) return names[0]!;
  throw new FfoError(
    ErrorCode.BAD_INPUT,
    `name the target cloud (configured: ${names.join(', ') || 'none'})`,
  );
}

export const migrationMutationResolvers = {
  startMigration: (
    _: unknown,
    args: { vm: string; cloud?: string | null; options?: MigrationOptionsInput | null },
    ctx: Ctx,
  ) => ctx.services.migrations.start(args.vm, cloudOf(ctx, args.cloud), args.options ?? {}),
  cutover: (_: unknown, args: { migration: string }, { services }: Ctx) =>
    services.migrations.cutover(args.migration),
  syncMigration: (_: unknown, args: { migration: string }, { services }: Ctx) =>
    services.migrations.syncNow(args.migration),
  cancelMigration: (_: unknown, args: { migration: string }, { services }: Ctx) =>
    services.migrations.cancel(args.migration),
  retryMigration: (_: unknown, args: { migration: string }, { services }: Ctx) =>
    services.migrations.retry(args.migration),
  rollbackMigration: (_: unknown, args: { migration: string }, { services }: Ctx) =>
    services.migrations.rollback(args.migration),
};

export const migrationSubscriptionResolvers = {
  migrationProgress: {
    subscribe: (_: unknown, args: { migration: string }, { services }: Ctx) =>
      services.migrationEvents.progressEvents(args.migration),
    resolve: (event: unknown) => event,
  },
  migrationEvents: {
    subscribe: (
      _: unknown,
      args: { filter?: { migration?: string | null; vm?: string | null; level?: string | null } | null },
      { services }: Ctx,
    ) => services.migrationEvents.events(args.filter ?? {}),
    resolve: (event: { data: unknown }) => ({
      ...event,
      data: event.data === null || event.data === undefined ? null : JSON.stringify(event.data),
    }),
  },
};
