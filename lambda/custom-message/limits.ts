/**
 * Cognito's limits for a message a CustomMessage trigger returns. A message that breaks one is
 * not sent as written: Cognito fails the user's ForgotPassword instead, so the trigger checks its
 * own message against them and sends the plain one (which keeps them) when it does not.
 */

/** Cognito's maximum `emailMessage` length, in characters (`MessageTemplateType.EmailMessage`). */
export const MAX_EMAIL_MESSAGE_CHARS = 20_000;
/** Cognito's maximum `emailSubject` length, in characters (`MessageTemplateType.EmailSubject`). */
export const MAX_EMAIL_SUBJECT_CHARS = 140;

/** A composed email as Cognito takes it. */
export interface CustomEmail {
  readonly subject: string;
  /** The body, HTML; Cognito replaces the code placeholder in it. */
  readonly html: string;
}

/** Unicode characters (code points), as Cognito counts them, not UTF-16 units. */
function characters(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * The first limit `email` breaks, or undefined when Cognito will send it.
 *
 * @example
 * messageProblem({ subject: 'Reset', html: '<p>no code</p>' }, '{####}') // 'the message lacks the code placeholder'
 */
export function messageProblem(email: CustomEmail, codeParameter: string): string | undefined {
  if (!email.html.includes(codeParameter)) return 'the message lacks the code placeholder';
  const length = characters(email.html);
  if (length > MAX_EMAIL_MESSAGE_CHARS) {
    return `the message has ${length} characters (Cognito allows ${MAX_EMAIL_MESSAGE_CHARS})`;
  }
  const subjectLength = characters(email.subject);
  if (email.subject.trim() === '' || subjectLength > MAX_EMAIL_SUBJECT_CHARS) {
    return `the subject has ${subjectLength} characters (Cognito allows 1 to ${MAX_EMAIL_SUBJECT_CHARS})`;
  }
  if (/[\r\n]/.test(email.subject)) return 'the subject has a line break';
  return undefined;
}

/**
 * The message sent when the composed one cannot be: English, no link, nothing configurable, well
 * inside every limit, so that a mistake in a team's texts or configuration never stops a reset.
 *
 * @example
 * plainMessage('{####}').html // 'Your password reset code is {####}'
 */
export function plainMessage(codeParameter: string): CustomEmail {
  return {
    subject: 'Your password reset code',
    html: `Your password reset code is ${codeParameter}`,
  };
}
