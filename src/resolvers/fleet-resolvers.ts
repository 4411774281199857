import type { ApiContext } from '../api/api-context.js';
import type { WavePlanConstraints, WaveScope } from '../fleet/wave-plan-input.js';

type Ctx = ApiContext;

export const fleetQueryResolvers = {
  wavePlan: (_: unknown, args: { id: string }, { services }: Ctx) => services.wavePlanner.get(args.id),
};

export const fleetMutationResolvers = {
  planWaves: (
    _: unknown,
    args: { name?: string | null; scope?: WaveScope | null; constraints?: WavePlanConstraints | null },
    { services }: Ctx,
  ) => services.wavePlanner.plan(args.name, args.scope ?? {}, args.constraints ?? {}),
};

export const fleetVmFieldResolvers = {
  waveExplanation: (source: { id: string }, args: { plan?: string | null }, { services }: Ctx) =>
    services.wavePlanner.explain(source.id, args.plan ?? null),
};
