/**
 * A small evaluator of the WAF statements the stack uses, so that a rule's reach can be tested
 * on request paths as a client sends them (behind a custom domain, percent-encoded, with
 * doubled slashes) rather than by reading its properties. It implements the transformations and
 * positional constraints as AWS WAF documents them; any other statement or transformation throws,
 * so a rule it cannot judge is never taken as matching.
 */

interface TextTransformation {
  readonly Priority: number;
  readonly Type: string;
}

interface ByteMatch {
  readonly FieldToMatch: Record<string, unknown>;
  readonly PositionalConstraint: string;
  readonly SearchString: string;
  readonly TextTransformations: readonly TextTransformation[];
}

/** A rate-based statement as it appears in the template (only what the evaluator reads). */
export interface RateBasedStatement {
  readonly ScopeDownStatement?: { readonly ByteMatchStatement?: ByteMatch } & Record<
    string,
    unknown
  >;
}

const TRANSFORMATIONS: Record<string, (value: string) => string> = {
  NONE: (value) => value,
  LOWERCASE: (value) => value.toLowerCase(),
  URL_DECODE: (value) =>
    value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    ),
  // WAF's NORMALIZE_PATH: collapses repeated slashes and resolves `/./` and `/../`
  NORMALIZE_PATH: (value) => {
    const out: string[] = [];
    for (const segment of value.replace(/\/{2,}/g, '/').split('/')) {
      if (segment === '.') continue;
      if (segment === '..') out.pop();
      else out.push(segment);
    }
    return out.join('/') || '/';
  },
};

const CONSTRAINTS: Record<string, (value: string, search: string) => boolean> = {
  EXACTLY: (value, search) => value === search,
  STARTS_WITH: (value, search) => value.startsWith(search),
  ENDS_WITH: (value, search) => value.endsWith(search),
  CONTAINS: (value, search) => value.includes(search),
};

function byteMatches(match: ByteMatch, path: string): boolean {
  if (Object.keys(match.FieldToMatch).join() !== 'UriPath') {
    throw new Error(`the evaluator reads only UriPath, not ${Object.keys(match.FieldToMatch)}`);
  }
  const value = [...match.TextTransformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((current, { Type }) => {
      const transform = TRANSFORMATIONS[Type];
      if (!transform) throw new Error(`the evaluator does not implement ${Type}`);
      return transform(current);
    }, path);
  const constraint = CONSTRAINTS[match.PositionalConstraint];
  if (!constraint)
    throw new Error(`the evaluator does not implement ${match.PositionalConstraint}`);
  return constraint(value, match.SearchString);
}

/** Whether a request to `path` counts towards the rate-based statement's limit. */
export function countsTowardsRateLimit(statement: RateBasedStatement, path: string): boolean {
  const scopeDown = statement.ScopeDownStatement;
  if (scopeDown === undefined) return true;
  const kinds = Object.keys(scopeDown);
  if (kinds.join() !== 'ByteMatchStatement' || scopeDown.ByteMatchStatement === undefined) {
    throw new Error(`the evaluator does not implement ${kinds.join(', ')}`);
  }
  return byteMatches(scopeDown.ByteMatchStatement, path);
}
