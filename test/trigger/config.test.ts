/** The trigger's environment (contract section 5). */
import { describe, expect, it } from 'vitest';
import { readTriggerConfig } from '../../lambda/post-confirmation/config';

describe('readTriggerConfig', () => {
  it('reads every variable', () => {
    expect(
      readTriggerConfig({
        EVENT_BUS_NAME: 'resets',
        NOTIFICATION_FROM: 'Security <no-reply@example.net>',
        NOTIFICATION_REGION: 'us-east-1',
        REVOKE_SESSIONS: 'true',
      }),
    ).toEqual({
      eventBusName: 'resets',
      notificationFrom: 'Security <no-reply@example.net>',
      notificationRegion: 'us-east-1',
      revokeSessions: true,
    });
  });

  it('switches the bus and the sender off when unset or blank', () => {
    for (const env of [
      {},
      { EVENT_BUS_NAME: '', NOTIFICATION_FROM: '  ', NOTIFICATION_REGION: '' },
    ]) {
      expect(readTriggerConfig(env)).toEqual({
        eventBusName: undefined,
        notificationFrom: undefined,
        notificationRegion: undefined,
        revokeSessions: true,
      });
    }
  });

  it.each([
    { value: 'false', revoke: false },
    { value: 'FALSE', revoke: false },
    { value: ' False ', revoke: false },
    { value: 'true', revoke: true },
    { value: '0', revoke: true },
    { value: '', revoke: true },
    { value: undefined, revoke: true },
  ])(
    'REVOKE_SESSIONS=$value -> revoke $revoke (only "false" switches it off)',
    ({ value, revoke }) => {
      expect(readTriggerConfig({ REVOKE_SESSIONS: value }).revokeSessions).toBe(revoke);
    },
  );
});
