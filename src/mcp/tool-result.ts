import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { asFfoError } from '../errors/index.js';
import { redact } from '../observability/redaction.js';

/** Provider documents (servers, VM details) nest deeper than log lines do. */
const TOOL_OUTPUT_DEPTH = 32;

/** structuredContent must be an object: lists and scalars ride in `{ result }`. */
function asObject(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return { result: value ?? null };
}

/** A successful call: the same (secret-free) JSON as text for any client and as structured content. */
export function toolSuccess(value: unknown): CallToolResult {
  const safe = asObject(redact(value, TOOL_OUTPUT_DEPTH));
  return { content: [{ type: 'text', text: JSON.stringify(safe, null, 2) }], structuredContent: safe };
}

/**
 * A failed call as an MCP tool error (`isError: true`): the stable FfoError code leads the text and sits in
 * structuredContent.error, with the error's secret-free details, so agents branch on the code.
 */
export function toolError(error: unknown): CallToolResult {
  const ffo = asFfoError(error);
  const body = {
    error: {
      code: ffo.code,
      message: ffo.message,
      retryable: ffo.retryable,
      details: redact(ffo.details, TOOL_OUTPUT_DEPTH),
    },
  };
  return {
    isError: true,
    content: [{ type: 'text', text: `${ffo.code}: ${ffo.message}\n${JSON.stringify(body, null, 2)}` }],
    structuredContent: body,
  };
}
