/** The wording of the "your password was changed" notice. */

import { describe, expect, it } from 'vitest';
import {
  composeNotification,
  formatUtc,
  RESET_ID_HEADER,
} from '../../lambda/after-reset/notification-email';
import { textsFor } from '../../lambda/shared/message-texts';

const facts = {
  changedAt: new Date('2026-11-26T19:05:02.123Z'),
  resetId: 'e0327691-af07-8e90-b272-a6e8632b00e1',
  sessions: 'revoked',
} as const;

describe('formatUtc', () => {
  it.each([
    ['2026-11-26T19:05:02.123Z', 'Thursday, 26 November 2026, 19:05:02 UTC'],
    ['2027-01-01T00:00:00.000Z', 'Friday, 1 January 2027, 00:00:00 UTC'],
    ['2028-02-29T23:59:59.999Z', 'Tuesday, 29 February 2028, 23:59:59 UTC'],
  ])('%s -> %s', (iso, expected) => {
    expect(formatUtc(new Date(iso))).toBe(expected);
  });
});

describe('composeNotification', () => {
  const email = composeNotification(facts);

  it('says what happened and when, in UTC, in both parts', () => {
    expect(email.subject).toBe('Your password was changed');
    for (const body of [email.text, email.html]) {
      expect(body).toContain('Thursday, 26 November 2026, 19:05:02 UTC');
    }
  });

  it('says what to do if it was not the user, in both parts', () => {
    for (const body of [email.text, email.html]) {
      expect(body).toContain('If you did not make this change');
      expect(body).toContain('reset your password again');
      expect(body).toContain('contact our support');
    }
  });

  it('carries the resetId in a header and in both parts, so a repeat can be recognised', () => {
    expect(email.headers).toEqual([{ name: RESET_ID_HEADER, value: facts.resetId }]);
    expect(email.text).toContain(`Reference: ${facts.resetId}`);
    expect(email.html).toContain(facts.resetId);
  });

  it.each([
    ['revoked', /you have been signed out on all your devices/, /could not sign you out/],
    ['revoking', /we are signing you out on all your devices/, /have been signed out/],
    ['kept', /^(?![\s\S]*sign(ed)? (you )?out)/, /signed out|sign you out/],
  ] as const)(
    'says what happened to the sessions (%s), and nothing else about them',
    (sessions, says, never) => {
      const text = composeNotification({ ...facts, sessions }).text;
      expect(text).toMatch(says);
      expect(text).not.toMatch(never);
    },
  );

  it('promises no more than a sign-out does: an open app keeps its current sign-in', () => {
    expect(email.text).toContain('may keep working until its current sign-in expires');
  });

  it('contains no link to click', () => {
    for (const body of [email.text, email.html]) {
      expect(body).not.toMatch(/https?:|<a\b|href=/i);
    }
  });

  it('escapes what it puts into HTML', () => {
    const html = composeNotification({ ...facts, resetId: '<script>"x"&' }).html;
    expect(html).toContain('&lt;script&gt;&quot;x&quot;&amp;');
    expect(html).not.toContain('<script>');
  });
});

describe('the notice in the user language', () => {
  const facts = {
    changedAt: new Date('2026-11-26T19:05:02Z'),
    resetId: '3f1c0000-0000-8000-8000-000000000000',
    sessions: 'revoking',
  } as const;

  it.each([
    ['de', 'Ihr Passwort wurde geändert', 'melden wir Sie auf allen Geräten ab', '2026'],
    ['fr', 'Votre mot de passe', 'nous vous déconnectons', '2026'],
    ['es', 'contraseña', 'estamos cerrando tu sesión', '2026'],
  ] as const)(
    '%s: subject, the sessions and the date, in that language',
    (locale, subject, sessions, year) => {
      const email = composeNotification(
        facts,
        textsFor(locale, { defaultLocale: 'en', overrides: {} }),
      );
      expect(email.subject).toContain(subject);
      expect(email.text).toContain(sessions);
      expect(email.text).toContain(year);
      expect(email.text).not.toContain('The password of your account');
      expect(email.html).toContain(`<html lang="${locale}">`);
      expect(email.text).toContain(facts.resetId);
    },
  );

  it('falls back from pt-BR to the default locale, English', () => {
    const email = composeNotification(
      facts,
      textsFor('pt-BR', { defaultLocale: 'en', overrides: {} }),
    );
    expect(email.subject).toBe('Your password was changed');
    expect(email.text).toContain('Thursday, 26 November 2026, 19:05:02 UTC');
  });
});
