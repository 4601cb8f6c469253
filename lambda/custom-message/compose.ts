/**
 * The reset-code email in the user's language: a subject and an HTML body with Cognito's code
 * placeholder, and the link to the reset page when one is configured. Pure, so that its wording,
 * escaping and limits are tested without Lambda.
 */
import { escapeHtml, fill, type MessageTexts } from '../shared/message-texts';
import type { CustomEmail } from './limits';

/** What the email is made of. */
export interface ResetEmailParts {
  /** The resolved locale (a BCP 47 tag with texts), for `<html lang>`. */
  readonly locale: string;
  readonly texts: MessageTexts;
  /** Cognito's placeholder (`{####}`), kept verbatim: Cognito replaces it with the code. */
  readonly codeParameter: string;
  /** The reset link, already carrying the placeholder; absent: the email carries the code alone. */
  readonly link?: string | undefined;
}

/**
 * Composes the email. Every text is HTML-escaped (a team's override is data, never markup); the
 * code is shown in bold where the text says `{code}`.
 *
 * @example
 * composeResetEmail({ locale: 'en', texts, codeParameter: '{####}' }).html.includes('{####}') // true
 */
export function composeResetEmail(parts: ResetEmailParts): CustomEmail {
  const { texts, codeParameter, link } = parts;
  const code = `<strong style="font-size:20px;letter-spacing:2px">${escapeHtml(codeParameter)}</strong>`;
  const paragraph = (text: string) => `<p>${fill(escapeHtml(text), { code })}</p>`;
  const body =
    link === undefined
      ? [paragraph(texts.forgotCodeOnly)]
      : [
          paragraph(texts.forgotLinkIntro),
          `<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#1a56db;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(texts.forgotLinkLabel)}</a></p>`,
          paragraph(texts.forgotCodeLine),
        ];
  const html =
    `<!DOCTYPE html><html lang="${escapeHtml(parts.locale)}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(texts.forgotSubject)}</title></head><body>` +
    `<h1 style="font-size:20px">${escapeHtml(texts.forgotHeading)}</h1>` +
    paragraph(texts.forgotIntro) +
    body.join('') +
    `<p style="color:#555;font-size:13px">${escapeHtml(texts.forgotIgnore)}</p></body></html>`;
  return { subject: texts.forgotSubject, html };
}
