import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { operationNameLabel, processMetrics } from './process-metrics.js';

/** Times every GraphQL request over HTTP from arrival to response, labelled by operation type and name. */
export function graphqlMetricsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const { graphqlDuration } = processMetrics();
  return {
    async requestDidStart() {
      const started = performance.now();
      // A request that does not parse or validate never resolves an operation.
      let type = 'invalid';
      let name: string | null = null;
      return {
        async didResolveOperation({ operation, operationName }) {
          type = operation?.operation ?? 'unknown';
          name = operationName ?? null;
        },
        async willSendResponse({ errors, response }) {
          const bodyErrors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          graphqlDuration.observe(
            {
              operation_type: type,
              operation_name: operationNameLabel(name),
              outcome: (errors?.length ?? 0) > 0 || (bodyErrors?.length ?? 0) > 0 ? 'error' : 'ok',
            },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
