import type { HttpRoute } from '../api/http-route.js';
import type { Runtime } from '../app/runtime.js';
import { operationsEndpoints } from './operations-endpoints.js';

/** /healthz, /readyz and /metrics on the API server: readiness needs a consumer on each of the three queues. */
export function operationsRoutes(
  runtime: Pick<Runtime, 'graph' | 'queueConnection' | 'discoveryQueue' | 'migrationQueue' | 'fleetQueue'>,
): HttpRoute[] {
  const endpoints = operationsEndpoints({
    graph: runtime.graph,
    redis: runtime.queueConnection,
    queues: [runtime.discoveryQueue.queue, runtime.migrationQueue.queue, runtime.fleetQueue.queue],
  });
  return [{ name: 'operations', matches: endpoints.matches, handle: endpoints.handle }];
}
