/**
 * The local stand-in for the after-reset idempotency table (DynamoDB, JSON 1.0 protocol): the
 * four calls Powertools Idempotency makes, `PutItem` with a condition expression
 * (`attribute_not_exists`, `attribute_exists`, `=`, `<`, `AND`, `OR`, parentheses) and
 * `ReturnValuesOnConditionCheckFailure`, `GetItem`, `UpdateItem` with `SET a = :v, ...`, and
 * `DeleteItem`. Anything else is refused as DynamoDB refuses what it cannot parse, so the
 * emulator never answers what the real table would not.
 */
import { AwsServiceError } from './aws-service-error';
import { keepNewestKeys, TOKEN_CAP } from './bounded';

type AttributeValue = { readonly S?: string; readonly N?: string; readonly BOOL?: boolean };
type Item = Record<string, AttributeValue>;

/** A table keyed by one string attribute, in memory. */
export class LocalItemsTable {
  readonly #items = new Map<string, Item>();

  constructor(
    readonly tableName: string,
    private readonly keyName: string,
  ) {}

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as DynamoDB does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    if (body.TableName !== this.tableName) {
      throw new AwsServiceError('ResourceNotFoundException', 'Requested resource not found');
    }
    const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
    switch (operation) {
      case 'PutItem': {
        const item = (body.Item ?? {}) as Item;
        const key = this.#key(item);
        const existing = this.#items.get(key);
        if (
          typeof body.ConditionExpression === 'string' &&
          !evaluate(body.ConditionExpression, existing, names, values)
        ) {
          throw new AwsServiceError(
            'ConditionalCheckFailedException',
            'The conditional request failed',
            400,
            body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing
              ? { Item: existing }
              : {},
          );
        }
        this.#items.set(key, item);
        keepNewestKeys(this.#items, TOKEN_CAP);
        return {};
      }
      case 'GetItem': {
        const item = this.#items.get(this.#key((body.Key ?? {}) as Item));
        return item ? { Item: item } : {};
      }
      case 'UpdateItem': {
        const keyItem = (body.Key ?? {}) as Item;
        const key = this.#key(keyItem);
        const item: Item = { ...(this.#items.get(key) ?? keyItem) };
        const expression = String(body.UpdateExpression ?? '');
        const match = /^SET (.+)$/.exec(expression);
        if (!match?.[1]) throw invalid('UpdateExpression');
        for (const assignment of match[1].split(',')) {
          const [left, right] = assignment.split('=').map((part) => part.trim());
          const name = left?.startsWith('#') ? names[left] : left;
          const value = right === undefined ? undefined : values[right];
          if (!name || value === undefined) throw invalid('UpdateExpression');
          item[name] = value;
        }
        this.#items.set(key, item);
        return {};
      }
      case 'DeleteItem':
        this.#items.delete(this.#key((body.Key ?? {}) as Item));
        return {};
      default:
        throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  #key(item: Item): string {
    const key = item[this.keyName]?.S;
    if (key === undefined) throw invalid('Key');
    return key;
  }
}

function invalid(what: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `Invalid ${what}`);
}

/**
 * Evaluates a condition expression over `item` (absent: no item). A small recursive-descent
 * parser: `or := and ('OR' and)*`, `and := term ('AND' term)*`, `term := '(' or ')' |
 * fn '(' name ')' | operand op operand`.
 */
function evaluate(
  expression: string,
  item: Item | undefined,
  names: Record<string, string>,
  values: Record<string, AttributeValue>,
): boolean {
  const token = /\(|\)|<=|>=|<>|[=<>]|[#:]?\w+/g;
  // DynamoDB refuses what it cannot read: a stray character, or a placeholder never defined.
  if (expression.replace(token, '').trim() !== '') throw invalid('ConditionExpression');
  const tokens = expression.match(token) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position++];
    if (token === undefined) throw invalid('ConditionExpression');
    return token;
  };
  const defined = <T>(value: T | undefined): T => {
    if (value === undefined) throw invalid('ConditionExpression');
    return value;
  };
  const attribute = (token: string) => (token.startsWith('#') ? defined(names[token]) : token);
  const operand = (token: string): AttributeValue | undefined =>
    token.startsWith(':') ? defined(values[token]) : item?.[attribute(token)];
  const parseOr = (): boolean => {
    let result = parseAnd();
    while (peek() === 'OR') {
      next();
      const right = parseAnd();
      result = result || right;
    }
    return result;
  };
  const parseAnd = (): boolean => {
    let result = parseTerm();
    while (peek() === 'AND') {
      next();
      const right = parseTerm();
      result = result && right;
    }
    return result;
  };
  const parseTerm = (): boolean => {
    const token = next();
    if (token === '(') {
      const result = parseOr();
      if (next() !== ')') throw invalid('ConditionExpression');
      return result;
    }
    if (token === 'attribute_not_exists' || token === 'attribute_exists') {
      if (next() !== '(') throw invalid('ConditionExpression');
      const name = attribute(next());
      if (next() !== ')') throw invalid('ConditionExpression');
      const exists = name !== undefined && item?.[name] !== undefined;
      return token === 'attribute_exists' ? exists : !exists;
    }
    const left = operand(token);
    const operator = next();
    const right = operand(next());
    if (left === undefined || right === undefined) return false;
    return compare(left, operator, right);
  };
  const result = parseOr();
  if (position !== tokens.length) throw invalid('ConditionExpression');
  return result;
}

function compare(left: AttributeValue, operator: string, right: AttributeValue): boolean {
  const numeric = left.N !== undefined && right.N !== undefined;
  const a = numeric ? Number(left.N) : (left.S ?? String(left.BOOL));
  const b = numeric ? Number(right.N) : (right.S ?? String(right.BOOL));
  switch (operator) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      throw invalid('ConditionExpression');
  }
}
