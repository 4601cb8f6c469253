/**
 * The local mailbox: what was delivered to a user, read from the SES emulator's store. Codes are
 * the mails Cognito's sender sent; everything else to the user is a notification.
 */
import type { Email } from 'aws-ses-v2-local/dist/store';
import { CODE_SENDER } from './cognito-emulator';

/** One delivered message, as `GET {mailboxUrl}?to=` lists it (contract section 6). */
export interface MailboxEntry {
  readonly kind: 'code' | 'notification';
  readonly to: string;
  readonly code?: string;
  readonly subject?: string;
  /** A code email's reset link (the configured reset page, username and code in the fragment). */
  readonly link?: string;
  /** The email's text part and HTML part as delivered. */
  readonly text?: string;
  readonly html?: string;
  readonly at: string;
}

/** The first link of an email's HTML, entities decoded as a browser reads the attribute. */
function firstLink(html: string | undefined): string | undefined {
  const href = html === undefined ? undefined : /<a [^>]*href="([^"]+)"/i.exec(html)?.[1];
  return href?.replaceAll('&amp;', '&');
}

const CODE_IN_TEXT = /\b(\d{6})\b/;

/**
 * The entries addressed to any of `addresses` (compared case-insensitively), newest first.
 * aws-ses-v2-local stamps mail with whole seconds, so store order breaks ties.
 *
 * @example
 * mailboxFor(ses.emails(), ['demo@example.com'])[0]?.code
 */
export function mailboxFor(emails: readonly Email[], addresses: readonly string[]): MailboxEntry[] {
  const wanted = new Set(addresses.map((address) => address.toLowerCase()));
  const entries: MailboxEntry[] = [];
  for (const email of emails) {
    const recipients = [...email.destination.to, ...email.destination.cc, ...email.destination.bcc];
    const to = recipients.find((address) => wanted.has(address.toLowerCase()));
    if (!to) continue;
    const at = new Date(email.at * 1000).toISOString();
    if (email.from === CODE_SENDER) {
      const code = CODE_IN_TEXT.exec(email.body.text ?? email.body.html ?? '')?.[1];
      const link = firstLink(email.body.html);
      entries.push({
        kind: 'code',
        to,
        ...(code ? { code } : {}),
        subject: email.subject,
        ...(link ? { link } : {}),
        ...(email.body.text === undefined ? {} : { text: email.body.text }),
        ...(email.body.html === undefined ? {} : { html: email.body.html }),
        at,
      });
    } else {
      entries.push({ kind: 'notification', to, subject: email.subject, at });
    }
  }
  return entries.reverse();
}
