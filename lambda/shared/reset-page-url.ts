/**
 * The reset page a code email links to (`resetPageUrl`, `RESET_PAGE_URL`): one rule shared by the
 * synth-time check (infra/config.ts) and the trigger, so that a URL the stack accepts is the URL
 * the email uses.
 */

/** Why a configured reset page URL cannot be used. */
export class ResetPageUrlError extends Error {
  override readonly name = 'ResetPageUrlError';
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Parses a reset page URL: absolute, `https://` (`http://` only for localhost, the local stack),
 * no credentials and no fragment, since the fragment is where the email puts the username and
 * the code (a fragment is never sent to a server, a proxy or in a `Referer`).
 *
 * @throws ResetPageUrlError naming what is wrong.
 * @example
 * parseResetPageUrl('https://app.example.com/reset').href // 'https://app.example.com/reset'
 */
export function parseResetPageUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ResetPageUrlError(
      `must be an absolute URL such as https://app.example.com/reset (got ${JSON.stringify(value)})`,
    );
  }
  const loopback = LOOPBACK_HOSTS.includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ResetPageUrlError(
      `must use https:// (http:// only for localhost) (got ${JSON.stringify(value)})`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ResetPageUrlError('must not carry credentials');
  }
  if (url.hash !== '' || value.includes('#')) {
    throw new ResetPageUrlError(
      'must not have a fragment (#...): the email puts the username and the code there',
    );
  }
  return url;
}
