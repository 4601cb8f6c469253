/** What the log says about a failed call: useful, and never who the user is. */
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../lambda/after-reset/failure';
import { EffectTimeoutError } from '../../lambda/after-reset/with-timeout';

describe('describeFailure', () => {
  it('keeps the name, status and AWS request id, and redacts the sensitive values and any address', () => {
    const error = Object.assign(
      new Error('identities failed the check: jane@example.org, user jane.d, other x.y@z.io'),
      { name: 'MessageRejected', $metadata: { httpStatusCode: 400, requestId: 'aws-1' } },
    );
    expect(describeFailure(error, ['jane.d', 'jane@example.org', undefined])).toEqual({
      errorName: 'MessageRejected',
      errorMessage: 'identities failed the check: [redacted], user [redacted], other [redacted]',
      timedOut: false,
      httpStatusCode: 400,
      awsRequestId: 'aws-1',
    });
  });

  it('leaves no part of an address when the user name is part of it', () => {
    const error = new Error('rejected: jane@example.org and jane');
    expect(describeFailure(error, ['jane', 'jane@example.org']).errorMessage).toBe(
      'rejected: [redacted] and [redacted]',
    );
  });

  it.each([
    { case: 'our deadline', error: new EffectTimeoutError(1500) },
    {
      case: 'an aborted SDK call',
      error: Object.assign(new Error('aborted'), { name: 'AbortError' }),
    },
    {
      case: "the SDK's request timeout",
      error: Object.assign(new Error('t'), { name: 'TimeoutError' }),
    },
  ])('marks $case as a timeout', ({ error }) => {
    expect(describeFailure(error, []).timedOut).toBe(true);
  });

  it('copes with a thrown non-error', () => {
    expect(describeFailure('jane@example.org', [])).toEqual({
      errorName: 'string',
      errorMessage: '',
      timedOut: false,
    });
  });
});
