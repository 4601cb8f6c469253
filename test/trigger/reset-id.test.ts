/** The resetId of contract section 4: deterministic per reset, distinct across resets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveResetId } from '../../lambda/post-confirmation/reset-id';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const base = { userPoolId: 'eu-west-1_EXAMPLE', sub: '1111-2222', requestId: 'req-1' };

describe('deriveResetId', () => {
  it('is the same for every repeat of one reset, and UUID-shaped (version 8)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (userPoolId, sub, requestId) => {
        const a = deriveResetId({ userPoolId, sub, requestId });
        expect(a).toMatch(UUID_V8);
        expect(deriveResetId({ userPoolId, sub, requestId })).toBe(a);
      }),
    );
  });

  it('is the documented derivation (docs/events.md), so a change cannot slip in unnoticed', () => {
    // sha256('["PasswordResetCompleted/v1","eu-west-1_EXAMPLE","1111-2222","req-1"]')
    //   = e0327691af070e90f272a6e8632b00e1..., version nibble -> 8, variant bits -> 10
    expect(deriveResetId(base)).toBe('e0327691-af07-8e90-b272-a6e8632b00e1');
  });

  it.each([
    { changed: 'userPoolId', identity: { ...base, userPoolId: 'eu-west-1_OTHER' } },
    { changed: 'sub', identity: { ...base, sub: '1111-2223' } },
    { changed: 'requestId', identity: { ...base, requestId: 'req-2' } },
    // no separator ambiguity: the parts are encoded, not concatenated
    {
      changed: 'a boundary',
      identity: { userPoolId: 'eu-west-1_EXAMPLE1', sub: '111-2222', requestId: 'req-1' },
    },
  ])('differs when $changed differs', ({ identity }) => {
    expect(deriveResetId(identity)).not.toBe(deriveResetId(base));
  });

  it('is random without a requestId, so two resets of one user are never merged', () => {
    const a = deriveResetId({ ...base, requestId: undefined });
    const b = deriveResetId({ ...base, requestId: undefined });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
