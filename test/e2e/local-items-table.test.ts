/**
 * The local idempotency table reads the condition Powertools Idempotency sends, and refuses, as
 * DynamoDB does with a ValidationException, a condition it cannot read.
 */
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/aws-service-error';
import { LocalItemsTable } from '../../local/items-table';

const TABLE = 'idempotency';
const put = (table: LocalItemsTable, condition: string, names = {}, values = {}) =>
  table.handle('PutItem', {
    TableName: TABLE,
    Item: { id: { S: 'notify#reset-1' }, expiration: { N: '100' } },
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });

describe('condition expressions in the local items table', () => {
  it("takes Powertools' in-progress condition, and answers a conditional failure for a live record", () => {
    // Prepare
    const table = new LocalItemsTable(TABLE, 'id');
    const condition = 'attribute_not_exists(#id) OR #expiry < :now';
    const names = { '#id': 'id', '#expiry': 'expiration' };

    // Act
    const first = () => put(table, condition, names, { ':now': { N: '50' } });
    const second = () => put(table, condition, names, { ':now': { N: '50' } });

    // Assess
    expect(first()).toEqual({});
    expect(second).toThrow(expect.objectContaining({ type: 'ConditionalCheckFailedException' }));
  });

  it.each([
    ['an undefined name placeholder', 'attribute_not_exists(#typo)', {}, {}],
    ['an undefined value placeholder', '#id = :missing', { '#id': 'id' }, {}],
    ['a stray character', 'attribute_not_exists(#id) ;', { '#id': 'id' }, {}],
  ])('refuses %s with a ValidationException', (_case, condition, names, values) => {
    // Prepare
    const table = new LocalItemsTable(TABLE, 'id');

    // Act
    const attempt = () => put(table, condition, names, values);

    // Assess
    expect(attempt).toThrow(AwsServiceError);
    expect(attempt).toThrow(expect.objectContaining({ type: 'ValidationException' }));
  });
});
