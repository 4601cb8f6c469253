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

/** Creates the request listener of the page, pointing it at `apiUrl`. */
export function createClientPage(apiUrl: string) {
  const content = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const text = readFileSync(new URL(`./client/${file}`, import.meta.url), 'utf8').replaceAll(
      '{{API_URL}}',
      apiUrl,
    );
    content.set(path, { body: Buffer.from(text), type });
  }
  const policy = [
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
      'Content-Security-Policy': policy,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : page.body);
  };
}
