import { z } from 'zod';
import { ErrorCode, FfoError } from '../errors/index.js';
import type { ToolDefinition } from './tool-definition.js';

/** Validates a call's arguments; every problem is reported at once as BAD_INPUT, before anything runs. */
export function parseToolInput(tool: ToolDefinition, args: unknown): Record<string, unknown> {
  const result = tool.input.safeParse(args ?? {});
  if (result.success) return result.data as Record<string, unknown>;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(arguments)',
    message: issue.message,
  }));
  throw new FfoError(
    ErrorCode.BAD_INPUT,
    `invalid arguments for ${tool.name}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { details: { problems } },
  );
}

/** The JSON Schema clients see in tools/list (what the client sends, so defaults are optional). */
export function inputJsonSchema(tool: ToolDefinition): { type: 'object'; [key: string]: unknown } {
  const schema = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete schema.$schema;
  return { ...schema, type: 'object' };
}
