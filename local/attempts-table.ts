/**
 * The local stand-in for the attempts table (DynamoDB, JSON 1.0 protocol): `UpdateItem` with
 * the atomic counter the functions write (`ADD <n> :v SET <t> = if_not_exists(<t>, :e)`,
 * `ReturnValues: UPDATED_NEW`), and DynamoDB's TTL, which here deletes a row as soon as its
 * expiry has passed (DynamoDB does it within days; no reader may rely on either). Any other
 * operation or expression is refused as DynamoDB refuses what it cannot parse, so the emulator
 * never silently answers what the real table would not.
 */
import { AwsServiceError } from './aws-service-error';
import { keepNewestKeys, TOKEN_CAP } from './bounded';

/** The only table the stack has. */
export const ATTEMPTS_TABLE_NAME = 'password-reset-attempts';

const COUNTER_EXPRESSION = /^ADD (\w+) (:\w+) SET (\w+) = if_not_exists\(\3, (:\w+)\)$/;

interface Row {
  readonly counters: Map<string, number>;
  expiresAt: number | undefined;
}

type AttributeValue = { readonly S?: string; readonly N?: string };

/** The attempts table, in memory. */
export class LocalAttemptsTable {
  readonly #rows = new Map<string, Row>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs one operation of the JSON protocol; throws {@link AwsServiceError} as DynamoDB does. */
  handle(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    if (operation !== 'UpdateItem') {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation}`);
    }
    if (body.TableName !== ATTEMPTS_TABLE_NAME) {
      throw new AwsServiceError('ResourceNotFoundException', 'Requested resource not found');
    }
    const key = (body.Key as Record<string, AttributeValue> | undefined)?.key?.S;
    const match = COUNTER_EXPRESSION.exec(String(body.UpdateExpression ?? ''));
    const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
    if (key === undefined || match === null) {
      throw new AwsServiceError('ValidationException', 'Invalid UpdateExpression or Key');
    }
    const [, counter = '', increment = '', ttlName = '', ttlValue = ''] = match;
    const by = Number(values[increment]?.N);
    const expiry = Number(values[ttlValue]?.N);
    if (!Number.isFinite(by) || !Number.isFinite(expiry)) {
      throw new AwsServiceError('ValidationException', 'An expression attribute value is missing');
    }
    let row = this.#rows.get(key);
    if (row?.expiresAt !== undefined && row.expiresAt * 1000 <= this.now()) {
      this.#rows.delete(key);
      row = undefined;
    }
    if (row === undefined) {
      row = { counters: new Map(), expiresAt: undefined };
      this.#rows.set(key, row);
      keepNewestKeys(this.#rows, TOKEN_CAP);
    }
    const next = (row.counters.get(counter) ?? 0) + by;
    row.counters.set(counter, next);
    row.expiresAt ??= expiry;
    return {
      Attributes: {
        [counter]: { N: String(next) },
        [ttlName]: { N: String(row.expiresAt) },
      },
    };
  }
}
