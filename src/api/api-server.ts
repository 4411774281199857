import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { GraphQLError, type GraphQLSchema, parse, validate, specifiedRules } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { authenticate } from '../auth/jwt-auth.js';
import { assertOperationAllowed } from '../auth/operation-policy.js';
import type { AppConfig } from '../config/app-config.js';
import { ErrorCode, FfoError, isFfoError } from '../errors/index.js';
import { graphqlMetricsPlugin } from '../observability/graphql-metrics-plugin.js';
import { apiContext, type ApiContext, type ApiServices } from './api-context.js';
import { formatError, httpStatusFor } from './format-error.js';
import type { HttpRoute } from './http-route.js';
import { queryLimitsRule } from './query-limits.js';

export const GRAPHQL_PATH = '/graphql';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RunningApi {
  url: string;
  wsUrl: string;
  server: Server;
  close(): Promise<void>;
}

function asGraphQLError(error: FfoError): GraphQLError {
  const status = httpStatusFor(error.code);
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, ...error.details, ...(status ? { http: { status } } : {}) },
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new FfoError(ErrorCode.BAD_INPUT, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Apollo over plain node:http (no web framework) plus graphql-ws on the same port and path. */
export async function startApiServer(
  schema: GraphQLSchema,
  services: ApiServices,
  config: AppConfig,
  options: { port?: number; host?: string; routes?: HttpRoute[] } = {},
): Promise<RunningApi> {
  const routes = options.routes ?? [];
  const limits = queryLimitsRule(config.api.maxDepth, config.api.maxFields);
  const contextFor = async (authorization: string | undefined | null): Promise<ApiContext> => {
    try {
      const principal = await authenticate(authorization, config.auth);
      return apiContext(principal, services);
    } catch (error) {
      throw isFfoError(error) ? asGraphQLError(error) : error;
    }
  };

  const httpServer = createServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  const wsCleanup = useServer<{ authorization?: string }>(
    {
      schema,
      context: (ctx) => contextFor(ctx.connectionParams?.authorization ?? null),
      onSubscribe: async (ctx, _id, payload) => {
        // Same gates as HTTP: authentication, limits, role policy; errors go back as GraphQL errors.
        try {
          const context = await contextFor(ctx.connectionParams?.authorization ?? null);
          const document = parse(payload.query);
          const errors = validate(schema, document, [...specifiedRules, limits]);
          if (errors.length > 0) return errors;
          assertOperationAllowed(document, payload.operationName, context.principal.roles);
          return {
            schema,
            document,
            variableValues: payload.variables ?? undefined,
            operationName: payload.operationName ?? undefined,
            contextValue: context,
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          if (isFfoError(error)) return [asGraphQLError(error)];
          throw error;
        }
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<ApiContext>({
    schema,
    validationRules: [limits],
    includeStacktraceInErrorResponses: false,
    // Analysts' tools read the schema; stated here because Apollo turns it off when NODE_ENV is production.
    introspection: true,
    formatError,
    plugins: [
      // No cache hints are used, and the default plugin hooks every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      graphqlMetricsPlugin<ApiContext>(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ document, operationName, contextValue }) {
              try {
                assertOperationAllowed(document, operationName, contextValue.principal.roles);
              } catch (error) {
                throw isFfoError(error) ? asGraphQLError(error) : error;
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes.find((r) => r.matches(url.pathname, req.method ?? 'GET'));
    if (route) {
      try {
        await route.handle(req, res, url);
      } catch (error) {
        if (!res.headersSent) {
          const code = isFfoError(error) ? error.code : ErrorCode.INTERNAL;
          const message = isFfoError(error) ? error.message : 'internal error';
          res.writeHead(httpStatusFor(code) ?? (code === ErrorCode.BAD_INPUT ? 400 : 500), {
            'content-type': 'application/json',
          });
          res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
        } else {
          res.destroy();
        }
      }
      return;
    }
    if (url.pathname !== GRAPHQL_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const text = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = undefined;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new FfoError(ErrorCode.BAD_INPUT, 'the request body is not JSON');
        }
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: () => contextFor(req.headers.authorization),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (error) {
      const code = isFfoError(error) ? error.code : ErrorCode.INTERNAL;
      const message = isFfoError(error) ? error.message : 'internal error';
      res.writeHead(code === ErrorCode.BAD_INPUT ? 400 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
    }
  }

  const port = options.port ?? config.api.port;
  const host = options.host ?? config.api.host;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const base = `${address.address}:${address.port}`;
  return {
    url: `http://${base}${GRAPHQL_PATH}`,
    wsUrl: `ws://${base}${GRAPHQL_PATH}`,
    server: httpServer,
    close: async () => {
      await apollo.stop();
      for (const route of routes) await route.close?.();
    },
  };
}
