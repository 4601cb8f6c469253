/**
 * The local Cognito's two-secret model: one or two live secrets per client, a hash made with
 * either accepted, at most two, never none.
 */
import { describe, expect, it } from 'vitest';
import { ClientSecretStore } from '../../local/client-secrets';
import { computeSecretHash } from '../../local/secret-hash';

const CLIENT = 'client-id';
const hash = (secret: string) => computeSecretHash('alice', CLIENT, secret);

describe('live client secrets', () => {
  it('accepts a hash of either live secret, and none of a deleted one', () => {
    const store = new ClientSecretStore();
    const [first] = store.live(CLIENT, 'generated');
    const added = store.add(CLIENT, 'generated');
    expect(store.matches(CLIENT, 'generated', 'alice', hash('generated'))).toBe(true);
    expect(store.matches(CLIENT, 'generated', 'alice', hash(added.value))).toBe(true);
    expect(store.matches(CLIENT, 'generated', 'alice', hash('wrong'))).toBe(false);
    store.delete(CLIENT, 'generated', first?.id ?? '');
    expect(store.matches(CLIENT, 'generated', 'alice', hash('generated'))).toBe(false);
    expect(store.live(CLIENT, 'generated').map((s) => s.id)).toEqual([added.id]);
  });

  it.each([
    [
      'a third secret',
      (s: ClientSecretStore) => {
        s.add(CLIENT, 'g');
        s.add(CLIENT, 'g');
      },
      'LimitExceededException',
    ],
    [
      'deleting the last secret',
      (s: ClientSecretStore) => s.delete(CLIENT, 'g', s.live(CLIENT, 'g')[0]?.id ?? ''),
      'InvalidParameterException',
    ],
    [
      'deleting an unknown id',
      (s: ClientSecretStore) => {
        s.add(CLIENT, 'g');
        s.delete(CLIENT, 'g', 'nope');
      },
      'ResourceNotFoundException',
    ],
  ])('refuses %s', (_, act, type) => {
    expect(() => act(new ClientSecretStore())).toThrow(expect.objectContaining({ type }));
  });
});
