/**
 * The "your password was changed" notice (OWASP Forgot Password cheat sheet; NIST SP 800-63B-4
 * section 4.6): when it happened and what to do if it was not the user. Pure, so that its
 * wording is tested without SES.
 */

/**
 * What happened to the user's sessions, so that the notice says exactly that: signed out
 * everywhere, a sign-out still being retried (the request's attempt failed; the durable path
 * retries it), or sessions kept (`REVOKE_SESSIONS=false`).
 */
export type SessionOutcome = 'revoked' | 'revoking' | 'kept';

/** What the notice says. */
export interface NotificationFacts {
  /** When the password was changed. */
  readonly changedAt: Date;
  /** The reset's id, so that a repeat of the same notice can be recognised. */
  readonly resetId: string;
  readonly sessions: SessionOutcome;
}

/** A composed email, both parts carrying the same content. */
export interface NotificationEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra message headers; `X-Password-Reset-Id` carries the reset id for de-duplication. */
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** The header naming the reset a notice belongs to. */
export const RESET_ID_HEADER = 'X-Password-Reset-Id';

/**
 * What the notice says about the user's sessions. A sign-out ends the refresh tokens; an app
 * that is already open keeps its current sign-in (its access token) until that expires, so the
 * notice does not promise more than that.
 */
const SESSION_PARAGRAPHS: Readonly<Record<SessionOutcome, readonly string[]>> = {
  revoked: [
    'For your security, you have been signed out on all your devices: sign in again with the new password. An app that is open right now may keep working until its current sign-in expires.',
  ],
  revoking: [
    'For your security, we are signing you out on all your devices; this can take a few minutes. Sign in again with the new password. If you did not make this change, also sign out everywhere from the app (or ask our support to do it) once you have reset your password again.',
  ],
  kept: [],
};

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Formats an instant for people, always in UTC so the wording does not depend on the
 * function's locale or time zone: "Thursday, 26 November 2026, 19:05:02 UTC".
 *
 * @example
 * formatUtc(new Date('2026-11-26T19:05:02Z')) // 'Thursday, 26 November 2026, 19:05:02 UTC'
 */
export function formatUtc(instant: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[instant.getUTCDay()]}, ${instant.getUTCDate()} ${MONTHS[instant.getUTCMonth()]} ` +
    `${instant.getUTCFullYear()}, ${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:` +
    `${pad(instant.getUTCSeconds())} UTC`
  );
}

/**
 * Composes the notice. It names no account, address or link: a notice that a phisher can copy
 * verbatim should not teach users to click, and the recipient's address is already the
 * account's.
 *
 * @example
 * composeNotification({ changedAt: new Date(), resetId, sessions: 'revoked' }).subject;
 * // => 'Your password was changed'
 */
export function composeNotification(facts: NotificationFacts): NotificationEmail {
  const when = formatUtc(facts.changedAt);
  const paragraphs = [
    `The password of your account was changed on ${when}.`,
    ...SESSION_PARAGRAPHS[facts.sessions],
    'If you made this change, you do not need to do anything.',
    'If you did not make this change, someone else may have access to your email: secure your email ' +
      'account first (change its password), then reset your password again with "Forgot password" ' +
      'in the app, and contact our support.',
    'We will never ask you for your password. This message contains no links.',
  ];
  const reference = `Reference: ${facts.resetId}`;
  const text = `${paragraphs.join('\n\n')}\n\n${reference}\n`;
  const html =
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Your password was changed</title></head><body>' +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p style="color:#666;font-size:12px">${escapeHtml(reference)}</p></body></html>`;
  return {
    subject: 'Your password was changed',
    text,
    html,
    headers: [{ name: RESET_ID_HEADER, value: facts.resetId }],
  };
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
