import type { ApiContext } from '../api/api-context.js';
import type { ClosureDirection } from '../services/dependency-service.js';
import { estateSummary } from '../services/estate-summary.js';

export const queryResolvers = {
  dependencyClosure: (
    _: unknown,
    args: { vm: string; direction: ClosureDirection; maxDepth: number },
    { services }: ApiContext,
  ) => services.dependencies.closure(args.vm, args.direction, args.maxDepth),

  estateSummary: (_: unknown, args: { vcenter?: string | null }, { services }: ApiContext) =>
    estateSummary(services.graph, args.vcenter ?? null),
};
