import { ErrorCode, FfoError } from '../errors/index.js';

export interface GraphQLResponse {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs one GraphQL document to the API, the way any client would. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token: string | null,
): Promise<GraphQLResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (cause) {
    throw new FfoError(ErrorCode.BAD_INPUT, `cannot reach the API at ${url}; is \`ffo serve\` running?`, {
      cause,
    });
  }
  return (await response.json()) as GraphQLResponse;
}
