import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { ErrorCode } from '../errors/index.js';

/**
 * Depth and size limits as validation rules: a query over a graph can fan out without end
 * (vms → host → vms → ...), so nesting depth and the number of selected fields are capped before execution.
 */
export function queryLimitsRule(maxDepth: number, maxFields: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) {
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    }
    const measure = (
      set: SelectionSetNode,
      depth: number,
      seen: Set<string>,
    ): { depth: number; fields: number } => {
      let deepest = depth;
      let fields = 0;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          fields++;
          if (s.selectionSet) {
            const inner = measure(s.selectionSet, depth + 1, seen);
            deepest = Math.max(deepest, inner.depth);
            fields += inner.fields;
          }
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(s.selectionSet, depth, seen);
          deepest = Math.max(deepest, inner.depth);
          fields += inner.fields;
        } else {
          const fragment = fragments.get(s.name.value);
          if (!fragment || seen.has(s.name.value)) continue;
          const inner = measure(fragment.selectionSet, depth, new Set([...seen, s.name.value]));
          deepest = Math.max(deepest, inner.depth);
          fields += inner.fields;
        }
      }
      return { depth: deepest, fields };
    };
    return {
      OperationDefinition(node) {
        const { depth, fields } = measure(node.selectionSet, 1, new Set());
        if (depth > maxDepth || fields > maxFields) {
          context.reportError(
            new GraphQLError(
              `query too complex: depth ${depth} (max ${maxDepth}), ${fields} fields (max ${maxFields})`,
              {
                nodes: [node],
                // Apollo rewrites `code` of validation errors; `ffoCode` survives and formatError restores it.
                extensions: {
                  code: ErrorCode.QUERY_TOO_COMPLEX,
                  ffoCode: ErrorCode.QUERY_TOO_COMPLEX,
                  depth,
                  fields,
                  maxDepth,
                  maxFields,
                },
              },
            ),
          );
        }
      },
    };
  };
}
