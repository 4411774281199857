import type { ApiContext } from '../api/api-context.js';
import { discoveryProgressEvents } from '../services/discovery-progress.js';

export const subscriptionResolvers = {
  discoveryProgress: {
    subscribe: (_: unknown, args: { runId: string }, { services }: ApiContext) =>
      discoveryProgressEvents(services.pubsub, args.runId),
    resolve: (event: unknown) => event,
  },
};
