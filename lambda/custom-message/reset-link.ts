/**
 * The link of the code email: the configured reset page with the username and Cognito's code
 * placeholder in the URL fragment. A fragment stays in the browser: it is not sent to the page's
 * server, logged by a proxy or carried in a `Referer`. Built from configuration and the event's
 * own attributes only, never from anything a caller of the API sent.
 */
import type { CustomMessageTriggerEvent } from 'aws-lambda';

/** The fragment keys the reference page reads (`local/client/app.js`). */
export const FRAGMENT_KEYS = { username: 'username', code: 'code' } as const;

/**
 * The name the user signs in with: in a pool whose username is the email address (as the
 * stack's), Cognito's `userName` is the `sub`, which the user has never seen; the email address
 * then, otherwise the username.
 *
 * @example
 * signInName({ userName: 'abc', request: { userAttributes: { sub: 'abc', email: 'a@example.com' } } }) // 'a@example.com'
 */
export function signInName(
  event: Pick<CustomMessageTriggerEvent, 'userName'> & {
    readonly request: Pick<CustomMessageTriggerEvent['request'], 'userAttributes'>;
  },
): string {
  const { sub, email } = event.request.userAttributes;
  return email !== undefined && email !== '' && event.userName === sub ? email : event.userName;
}

/**
 * `<page>#username=<name>&code=<placeholder>`. The placeholder is kept literally (Cognito
 * replaces it with the digits); the name is percent-encoded.
 *
 * @example
 * resetLink(new URL('https://app.example.com/reset'), 'a@example.com', '{####}')
 * // 'https://app.example.com/reset#username=a%40example.com&code={####}'
 */
export function resetLink(page: URL, username: string, codeParameter: string): string {
  const base = new URL(page.href);
  base.hash = '';
  return `${base.href}#${FRAGMENT_KEYS.username}=${encodeURIComponent(username)}&${FRAGMENT_KEYS.code}=${codeParameter}`;
}
