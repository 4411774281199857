import type { ApiContext } from '../api/api-context.js';

export const mutationResolvers = {
  discoverSource: async (_: unknown, args: { vcenter: string }, { services }: ApiContext) => {
    const runId = await services.discovery.createRun(args.vcenter);
    await services.discoveryQueue.enqueue({ runId, side: 'source', name: args.vcenter });
    return { runId, vcenter: args.vcenter, status: 'queued' };
  },

  discoverTarget: async (_: unknown, args: { cloud: string }, { services }: ApiContext) => {
    const runId = await services.targetDiscovery.createRun(args.cloud);
    await services.discoveryQueue.enqueue({ runId, side: 'target', name: args.cloud });
    return { runId, cloud: args.cloud, status: 'queued' };
  },

  addDependency: (
    _: unknown,
    args: { from: string; to: string; reason?: string | null; confidence: number; source: string },
    { services }: ApiContext,
  ) => services.dependencies.add(args.from, args.to, args.reason ?? null, args.confidence, args.source),

  removeDependency: (_: unknown, args: { from: string; to: string }, { services }: ApiContext) =>
    services.dependencies.remove(args.from, args.to),

  importDependencies: (
    _: unknown,
    args: { format: 'CSV' | 'JSON'; content: string; source: string },
    { services }: ApiContext,
  ) => services.dependencies.import(args.content, args.format === 'CSV' ? 'csv' : 'json', args.source),
};
