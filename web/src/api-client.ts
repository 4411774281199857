import { createClient, type Client } from 'graphql-ws';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

// Close codes after which trying again cannot help: bad request, unauthorized, forbidden.
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403]);

/**
 * The page's only way to the server: queries and mutations over HTTP POST /graphql, subscriptions over graphql-ws
 * on the same path. The socket reconnects for ever with back-off (a restarted `ffo serve`), and graphql-ws
 * re-sends every active subscription once it is connected again.
 */
export class ApiClient {
  private readonly ws: Client;

  constructor(
    private readonly token: string,
    onConnection: (state: ConnectionState, wasRetry: boolean) => void,
    private readonly endpoint = new URL('/graphql', location.href),
  ) {
    const wsUrl = new URL(this.endpoint.href);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    let retrying = false;
    this.ws = createClient({
      url: wsUrl.href,
      connectionParams: () => ({ authorization: `Bearer ${this.token}` }),
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      shouldRetry: (event) => !(event instanceof CloseEvent && FATAL_CLOSE_CODES.has(event.code)),
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** Math.min(retries, 5)))),
      on: {
        connecting: (isRetry) => {
          retrying = isRetry;
          onConnection(isRetry ? 'reconnecting' : 'connecting', isRetry);
        },
        connected: () => onConnection('connected', retrying),
        closed: () => onConnection('reconnecting', true),
      },
    });
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.endpoint.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    let answer: GraphQLAnswer<T>;
    try {
      answer = (await response.json()) as GraphQLAnswer<T>;
    } catch {
      throw new ApiError(`the API answered ${response.status} without JSON`, null);
    }
    const error = answer.errors?.[0];
    if (error) throw new ApiError(error.message, error.extensions?.code ?? null);
    if (!answer.data) throw new ApiError(`the API answered ${response.status} without data`, null);
    return answer.data;
  }

  /** Calls onData for every result until the server completes it or the returned function is called. */
  subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    onError: (error: ApiError) => void = () => undefined,
  ): () => void {
    return this.ws.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          const error = result.errors?.[0];
          if (error) onError(new ApiError(error.message, (error.extensions?.code as string) ?? null));
          else if (result.data) onData(result.data as T);
        },
        error: (error) => onError(new ApiError(describe(error), null)),
        complete: () => undefined,
      },
    );
  }

  async close(): Promise<void> {
    await this.ws.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof CloseEvent) return `connection closed (${error.code} ${error.reason})`;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  return error instanceof Error ? error.message : String(error);
}
