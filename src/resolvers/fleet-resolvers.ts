import type { ApiContext } from '../api/api-context.js';
import type { FleetOptionsInput } from '../fleet/fleet-options.js';
import type { WavePlanConstraints, WaveScope } from '../fleet/wave-plan-input.js';

type Ctx = ApiContext;

export const fleetQueryResolvers = {
  wavePlan: (_: unknown, args: { id: string }, { services }: Ctx) => services.wavePlanner.get(args.id),
  fleetProgress: (_: unknown, args: { fleet: string }, { services }: Ctx) =>
    services.fleets.progress(args.fleet),
};

export const fleetSubscriptionResolvers = {
  fleetProgress: {
    subscribe: (_: unknown, args: { fleet: string }, { services }: Ctx) =>
      services.fleets.progressEvents(args.fleet),
    resolve: (progress: unknown) => progress,
  },
  fleetEvents: {
    subscribe: (_: unknown, args: { fleet?: string | null }, { services }: Ctx) =>
      services.fleets.liveEvents(args.fleet ?? null),
    resolve: (event: { data: unknown }) => ({
      ...event,
      data: event.data === null || event.data === undefined ? null : JSON.stringify(event.data),
    }),
  },
};

export const fleetMutationResolvers = {
  planWaves: (
    _: unknown,
    args: { name?: string | null; scope?: WaveScope | null; constraints?: WavePlanConstraints | null },
    { services }: Ctx,
  ) => services.wavePlanner.plan(args.name, args.scope ?? {}, args.constraints ?? {}),
  startFleet: (
    _: unknown,
    args: { plan: string; cloud?: string | null; options?: FleetOptionsInput | null },
    { services }: Ctx,
  ) => services.fleets.start(args.plan, args.cloud, args.options ?? {}),
  pauseFleet: (_: unknown, args: { fleet: string }, { services }: Ctx) => services.fleets.pause(args.fleet),
  resumeFleet: (_: unknown, args: { fleet: string }, { services }: Ctx) => services.fleets.resume(args.fleet),
  cancelFleet: (_: unknown, args: { fleet: string }, { services }: Ctx) => services.fleets.cancel(args.fleet),
};

export const fleetVmFieldResolvers = {
  waveExplanation: (source: { id: string }, args: { plan?: string | null }, { services }: Ctx) =>
    services.wavePlanner.explain(source.id, args.plan ?? null),
};
