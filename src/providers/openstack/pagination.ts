// Where the next page of a collection is. Nova, Neutron and Cinder return `<collection>_links` with a
// rel="next" href; Glance returns a top-level `next` ("/v2/images?marker=...&limit=..."). Hrefs are built by
// the service from its own idea of its URL (often the internal hostname, or http behind a TLS proxy), so only
// their query string is trusted and applied to the URL we called.

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type QueryParams = Readonly<Record<string, QueryValue>>;

/** The query of the next page, or null on the last page. */
export function nextPageQuery(body: unknown, collectionKey: string): URLSearchParams | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  let href: string | null = null;
  const links = b[`${collectionKey}_links`];
  if (Array.isArray(links)) {
    for (const link of links) {
      const l = link as { rel?: unknown; href?: unknown } | null;
      if (l?.rel === 'next' && typeof l.href === 'string') href = l.href;
    }
  } else if (typeof b['next'] === 'string') {
    href = b['next'];
  }
  if (href === null) return null;
  const query = new URL(href, 'http://next.invalid/').searchParams;
  return [...query.keys()].length === 0 ? null : query;
}

/** `url` with its query replaced by `query`. */
export function withQuery(url: string, query: URLSearchParams): string {
  const u = new URL(url);
  u.search = query.toString();
  return u.toString();
}

/** URLSearchParams from our query map: arrays repeat the key (Neutron `fields=a&fields=b`), nullish is dropped. */
export function toSearchParams(query: QueryParams | undefined): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly (string | number)[]) params.append(key, String(v));
    } else {
      params.append(key, String(value));
    }
  }
  return params;
}

/** The inverse of toSearchParams (repeated keys become arrays). */
export function fromSearchParams(params: URLSearchParams): QueryParams {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}
