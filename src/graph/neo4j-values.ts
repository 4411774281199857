import neo4j from 'neo4j-driver';

/** Converts driver values (Integer, temporal types, nodes) into plain JSON-friendly values. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) return (value as { toNumber(): number }).toNumber();
  if (
    neo4j.isDateTime(value) ||
    neo4j.isDate(value) ||
    neo4j.isLocalDateTime(value) ||
    neo4j.isDuration(value) ||
    neo4j.isTime(value) ||
    neo4j.isLocalTime(value)
  ) {
    const text = String(value);
    const parsed = new Date(text.replace(/\[.*\]$/, ''));
    return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') {
    const maybeNode = value as { properties?: unknown; labels?: unknown };
    if (maybeNode.properties && Array.isArray(maybeNode.labels)) return toPlain(maybeNode.properties);
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toPlain(v)]),
    );
  }
  return value;
}
