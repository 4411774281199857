import type { GraphQLSchema } from 'graphql';
import type { HttpRoute } from '../api/http-route.js';
import { mcpHttpRoute } from '../mcp/mcp-http-route.js';
import { operationsRoutes } from '../observability/operations-routes.js';
import type { Runtime } from './runtime.js';
import { monitorRoute } from '../web-monitor/monitor-route.js';

/**
 * The API server's non-GraphQL endpoints, assembled once for `ffo serve` and for the tests that start the
 * real server: each concern (Migration Monitor, MCP, health, metrics) contributes its own route.
 */
export function apiRoutes(runtime: Runtime, schema: GraphQLSchema): HttpRoute[] {
  void runtime;
  void schema;
  return [...operationsRoutes(runtime), mcpHttpRoute({ runtime, schema }), monitorRoute()];
}
