import { graphql } from 'graphql';
import { apiContext } from '../api/api-context.js';
import type { Principal } from '../auth/jwt-auth.js';
import { ErrorCode, FfoError, isFfoError } from '../errors/index.js';
import type { McpDependencies } from './mcp-dependencies.js';

/**
 * Reads the twin through the generated GraphQL API in this process (no HTTP hop): the same model, filters and
 * authorization context the API serves, so inventory tools need no Cypher of their own.
 */
export async function queryTwin<T>(
  deps: McpDependencies,
  principal: Principal,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const contextValue = apiContext(principal, deps.runtime);
  const result = await graphql({
    schema: deps.schema,
    source: document,
    variableValues: variables,
    contextValue,
  });
  if (result.errors?.length) {
    const original = result.errors[0]!.originalError;
    if (isFfoError(original)) throw original;
    throw new FfoError(ErrorCode.INTERNAL, `twin query failed: ${result.errors[0]!.message}`);
  }
  return result.data as T;
}
