import type { GraphQLSchema } from 'graphql';
import type { Runtime } from '../app/runtime.js';

/**
 * What the tools call: the process's runtime (the same services GraphQL resolvers use) and the executable
 * GraphQL schema, through which twin inventory is read with the generated API instead of new Cypher.
 */
export interface McpDependencies {
  runtime: Runtime;
  schema: GraphQLSchema;
}
