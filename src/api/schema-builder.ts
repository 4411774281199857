import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Neo4jGraphQL } from '@neo4j/graphql';
import type { GraphQLSchema } from 'graphql';
import type { Driver } from 'neo4j-driver';
import { resolvers } from '../resolvers/index.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export const readTypeDefs = (): string => readFileSync(SCHEMA_FILE, 'utf8');

/** The executable schema: @neo4j/graphql's generated twin API plus our custom root fields. */
export async function buildSchema(driver?: Driver): Promise<GraphQLSchema> {
  const neo = new Neo4jGraphQL({ typeDefs: readTypeDefs(), resolvers, ...(driver ? { driver } : {}) });
  return neo.getSchema();
}
