import type { ApiContext } from '../api/api-context.js';
import { chooseCloud } from '../services/target-cloud.js';
import type { MigrationOptionsInput } from '../engine/migration-options.js';

type Ctx = ApiContext;

const cloudOf = (ctx: Ctx, cloud: string | null | undefined): string =>
  chooseCloud(cloud, ctx.services.migrations.configuredClouds(), 'a migration');

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
