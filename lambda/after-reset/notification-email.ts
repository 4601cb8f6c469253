/**
 * The "your password was changed" notice (OWASP Forgot Password cheat sheet; NIST SP 800-63B-4
 * section 4.6): when it happened and what to do if it was not the user. Pure, so that its
 * wording is tested without SES.
 */
import {
  BUNDLED_TEXTS,
  escapeHtml,
  FALLBACK_LOCALE,
  fill,
  type MessageTextKey,
  type MessageTexts,
} from '../shared/message-texts';

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

/** The text of each session outcome (none when the sessions were kept). */
const SESSION_TEXT: Readonly<Record<SessionOutcome, MessageTextKey | undefined>> = {
  revoked: 'noticeRevoked',
  revoking: 'noticeRevoking',
  kept: undefined,
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
 * Formats the instant of the change in the notice's language, always in UTC so the wording does
 * not depend on the function's time zone; English keeps {@link formatUtc}'s exact wording.
 */
function formatWhen(instant: Date, locale: string): string {
  if (locale === FALLBACK_LOCALE) return formatUtc(instant);
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'full',
    timeStyle: 'long',
    timeZone: 'UTC',
  }).format(instant);
}

/**
 * Composes the notice in the user's language (the texts of lambda/shared/message-texts, a
 * team's overrides included; English when none is given). It names no account, address or
 * link: a notice that a phisher can copy verbatim should not teach users to click, and the
 * recipient's address is already the account's.
 *
 * @example
 * composeNotification({ changedAt: new Date(), resetId, sessions: 'revoked' }).subject;
 * // => 'Your password was changed'
 */
export function composeNotification(
  facts: NotificationFacts,
  language: { readonly locale: string; readonly texts: MessageTexts } = {
    locale: FALLBACK_LOCALE,
    texts: BUNDLED_TEXTS[FALLBACK_LOCALE] as MessageTexts,
  },
): NotificationEmail {
  const { texts, locale } = language;
  const sessionText = SESSION_TEXT[facts.sessions];
  const paragraphs = [
    fill(texts.noticeChangedAt, { when: formatWhen(facts.changedAt, locale) }),
    ...(sessionText === undefined ? [] : [texts[sessionText]]),
    texts.noticeNoAction,
    texts.noticeNotYou,
    texts.noticeNoLinks,
  ];
  const reference = fill(texts.noticeReference, { reference: facts.resetId });
  const text = `${paragraphs.join('\n\n')}\n\n${reference}\n`;
  const html =
    `<!DOCTYPE html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8"><title>${escapeHtml(texts.noticeSubject)}</title></head><body>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p style="color:#666;font-size:12px">${escapeHtml(reference)}</p></body></html>`;
  return {
    subject: texts.noticeSubject,
    text,
    html,
    headers: [{ name: RESET_ID_HEADER, value: facts.resetId }],
  };
}
