/**
 * Serves the reference client page on its own origin (a different port from the API), so that
 * every call it makes is a real cross-origin request and exercises the API's CORS.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestTarget } from './http-util';

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

/** The parts of Cognito's `PasswordPolicyType` the page states. */
export interface StatedPolicy {
  readonly MinimumLength: number;
  readonly RequireLowercase: boolean;
  readonly RequireUppercase: boolean;
  readonly RequireNumbers: boolean;
  readonly RequireSymbols: boolean;
}

/**
 * The pool's password policy in words, shown before the user types a new password.
 *
 * @example
 * policySentence({ MinimumLength: 15, RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false })
 * // 'Your new password needs at least 15 characters; any characters are allowed.'
 */
export function policySentence(policy: StatedPolicy): string {
  const rules = [
    policy.RequireLowercase ? 'a lower-case letter' : undefined,
    policy.RequireUppercase ? 'an upper-case letter' : undefined,
    policy.RequireNumbers ? 'a digit' : undefined,
    policy.RequireSymbols ? 'a symbol' : undefined,
  ].filter((rule) => rule !== undefined);
  return `Your new password needs at least ${policy.MinimumLength} characters${
    rules.length === 0 ? '; any characters are allowed.' : `, with ${rules.join(', ')}.`
  }`;
}

/** Creates the request listener of the page, pointing it at `apiUrl`. */
export function createClientPage(apiUrl: string, policy: StatedPolicy) {
  const content = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const text = readFileSync(new URL(`./client/${file}`, import.meta.url), 'utf8')
      .replaceAll('{{API_URL}}', apiUrl)
      .replaceAll('{{PASSWORD_POLICY}}', policySentence(policy));
    content.set(path, { body: Buffer.from(text), type });
  }
  const securityPolicy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${apiUrl}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = requestTarget(request.url)?.path;
    const page = path === undefined ? undefined : content.get(path);
    if (!page || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': page.type,
      'Content-Length': page.body.length,
      'Content-Security-Policy': securityPolicy,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : page.body);
  };
}
