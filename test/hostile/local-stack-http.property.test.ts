/**
 * Hostile input over real HTTP through `npm start`'s gateway (issue 7): arbitrary methods,
 * paths, content types and raw body bytes (invalid UTF-8, sizes around the 16 KiB limit, JSON
 * near the schema) reach the real handlers the way the local API Gateway delivers them. Every
 * answer must be the one contract sections 1-2 prescribe (the same independent oracle as the
 * in-process properties, plus the gateway's 404/405), carry the security headers, never be a
 * 5xx, and never echo a submitted secret.
 */
import { request } from 'node:http';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DescribeUserPoolClientCommand,
  GetGroupCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localCognitoClient } from '../../local/seed';
import { REQUIRED_HEADERS } from '../support/answers';
import { apiEvent } from '../support/api-events';
import { useLocalStack } from '../support/local-stack';
import { MARKER, requestObject } from './arbitraries';
import { compactReporter } from './reporter';
import { type Operation, verdict } from './request-oracle';

const RUNS = 400;
const RESET_PATHS: Readonly<Record<string, Operation>> = {
  '/password/forgot': 'forgot',
  '/password/confirm': 'confirm',
};

// Stage throttling off: the property sends hundreds of requests a second on purpose.
const stack = useLocalStack({
  FORGOT_MIN_RESPONSE_MS: '0',
  CONFIRM_MIN_RESPONSE_MS: '0',
  ATTEMPT_LIMIT: '0',
  THROTTLE_RATE_LIMIT: '0',
});

interface HttpCase {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function send(target: HttpCase): Promise<HttpAnswer> {
  const api = new URL(stack.info.apiUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: api.hostname,
        port: api.port,
        // The path as sent, never resolved as a URL (`//host/...` must stay a path).
        path: target.path,
        method: target.method,
        headers: {
          ...(target.contentType === undefined ? {} : { 'Content-Type': target.contentType }),
          'Content-Length': String(target.body.length),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers))
            headers[name] = String(value);
          resolve({
            status: response.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(target.body);
  });
}

const bodies = (operation: Operation) =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: requestObject(operation).map((object) =>
        Buffer.from(JSON.stringify(object), 'utf8'),
      ),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 16_300, max: 16_500 })
        .map((size) => Buffer.from(`{"username":"${'a'.repeat(Math.max(0, size - 16))}"}`, 'utf8')),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((bytes) =>
          Buffer.concat([Buffer.from('{"username":"'), Buffer.from(bytes), Buffer.from('"}')]),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('null'), Buffer.from('[]')),
    },
  );

const cases: fc.Arbitrary<HttpCase> = fc
  .record({
    method: fc.oneof(
      { weight: 10, arbitrary: fc.constant('POST') },
      { weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
    ),
    path: fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('/password/forgot', '/password/confirm') },
      {
        weight: 1,
        arbitrary: fc
          .webPath()
          .filter((path) => path.startsWith('/') && !path.includes('%') && !path.includes('?')),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '//',
          '///',
          '//evil.example/password/forgot',
          '/password//forgot',
        ),
      },
    ),
    contentType: fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'Application/JSON',
          'application/vnd.api+json',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    seedBody: fc.nat(),
  })
  .chain((base) =>
    bodies(RESET_PATHS[base.path] ?? 'forgot').map((body) => ({
      method: base.method,
      path: base.path,
      contentType: base.contentType,
      body,
    })),
  );

/** The answer the deployed API gives: the gateway's own rules first, then contract section 1. */
function expectedCode(target: HttpCase): string | 'success' | 'preflight' {
  const operation = RESET_PATHS[target.path];
  if (!operation) return 'NOT_FOUND';
  if (target.method === 'OPTIONS') return 'preflight';
  if (target.method !== 'POST') return 'METHOD_NOT_ALLOWED';
  const event: APIGatewayProxyEvent = apiEvent({
    path: target.path,
    method: target.method,
    headers: target.contentType === undefined ? {} : { 'content-type': target.contentType },
    rawBody: target.body.length === 0 ? null : target.body.toString('base64'),
    isBase64Encoded: true,
  });
  const outcome = verdict(operation, event);
  return outcome.kind === 'problem'
    ? outcome.code
    : outcome.kind === 'valid'
      ? 'success'
      : 'preflight';
}

/** The error name a Cognito call failed with ('' when it succeeded). */
async function errorNameOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return '';
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

function problemCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

describe('the local stack over HTTP under hostile requests', () => {
  it(`answers ${RUNS} arbitrary requests as the contract says`, async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (target) => {
        const answer = await send(target);
        const failures: string[] = [];
        const expected = expectedCode(target);
        if (answer.status >= 500) failures.push(`status ${answer.status}`);
        for (const [name, value] of Object.entries(REQUIRED_HEADERS)) {
          if (answer.headers[name] !== value) failures.push(`${name}: ${answer.headers[name]}`);
        }
        const cognitoAnswer = expected === 'success' ? problemCodeOf(answer.body) : undefined;
        if (
          expected === 'success' &&
          target.path === '/password/confirm' &&
          cognitoAnswer !== undefined
        ) {
          // A valid confirm reaches the local Cognito: an unknown user or a wrong code is the
          // contract's INVALID_CODE, a password its policy refuses is INVALID_PASSWORD.
          if (!['INVALID_CODE', 'INVALID_PASSWORD'].includes(cognitoAnswer)) {
            failures.push(`valid confirm answered ${answer.status} ${cognitoAnswer}`);
          }
        } else if (expected === 'success' || expected === 'preflight') {
          if (answer.status < 200 || answer.status > 299)
            failures.push(
              `expected ${expected}, got ${answer.status} ${answer.body.slice(0, 200)}`,
            );
        } else {
          let code: unknown;
          try {
            code = (JSON.parse(answer.body) as { code?: unknown }).code;
          } catch {
            code = undefined;
          }
          if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) {
            failures.push(`content-type ${answer.headers['content-type']}`);
          }
          if (code !== expected)
            failures.push(`answered ${answer.status} ${String(code)}, contract says ${expected}`);
        }
        for (const marker of target.body.toString('latin1').match(MARKER) ?? []) {
          if (answer.body.includes(marker)) failures.push(`answer echoes ${marker}`);
        }
        if (failures.length > 0) throw new Error(failures.join('; '));
      }),
      { numRuns: RUNS, endOnFailure: true, reporter: compactReporter },
    );
    expect(stack.output()).not.toMatch(/unhandled|uncaught/i);
  }, 120_000);

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'answers a username that is an Object.prototype name (%s) as for any unknown user',
    async (username) => {
      // Act
      const forgot = await send({
        method: 'POST',
        path: '/password/forgot',
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify({ username })),
      });
      const confirm = await send({
        method: 'POST',
        path: '/password/confirm',
        contentType: 'application/json',
        body: Buffer.from(
          JSON.stringify({ username, code: '123456', password: 'Prototype-Name-Pass-2026' }),
        ),
      });

      // Assess: Cognito answers such a user as unknown (contract section 6: the local Cognito
      // behaves as Cognito does), so the API gives the generic 202 and INVALID_CODE
      expect({ status: forgot.status, code: problemCodeOf(forgot.body) }).toEqual({
        status: 202,
        code: undefined,
      });
      expect({ status: confirm.status, code: problemCodeOf(confirm.body) }).toEqual({
        status: 400,
        code: 'INVALID_CODE',
      });
    },
  );

  it.each(['__proto__', 'constructor', 'toString', 'valueOf'])(
    'answers admin calls naming %s as Cognito does, never with an internal error',
    async (name) => {
      // Prepare
      const cognito = localCognitoClient(stack.info.cognitoEndpoint, 'us-east-1');
      const pool = { UserPoolId: stack.info.userPoolId };
      try {
        // Act: unknown user, group and client; a user name the email pool refuses; then a group
        // of that name created, read and deleted (names are stored as keys)
        const unknownUser = await errorNameOf(
          cognito.send(new AdminGetUserCommand({ ...pool, Username: name })),
        );
        const notAnEmail = await errorNameOf(
          cognito.send(
            new AdminCreateUserCommand({ ...pool, Username: name, MessageAction: 'SUPPRESS' }),
          ),
        );
        const unknownClient = await errorNameOf(
          cognito.send(new DescribeUserPoolClientCommand({ ...pool, ClientId: name })),
        );
        const unknownGroup = await errorNameOf(
          cognito.send(new GetGroupCommand({ ...pool, GroupName: name })),
        );
        await cognito.send(new CreateGroupCommand({ ...pool, GroupName: name }));
        const found = await cognito.send(new GetGroupCommand({ ...pool, GroupName: name }));
        const listed = await cognito.send(new ListGroupsCommand(pool));
        await cognito.send(new DeleteGroupCommand({ ...pool, GroupName: name }));
        const deleted = await errorNameOf(
          cognito.send(new GetGroupCommand({ ...pool, GroupName: name })),
        );

        // Assess
        expect({ unknownUser, notAnEmail, unknownClient, unknownGroup, deleted }).toEqual({
          unknownUser: 'UserNotFoundException',
          notAnEmail: 'InvalidParameterException',
          unknownClient: 'ResourceNotFoundException',
          unknownGroup: 'ResourceNotFoundException',
          deleted: 'ResourceNotFoundException',
        });
        expect(found.Group?.GroupName).toBe(name);
        expect(listed.Groups?.map((group) => group.GroupName)).toContain(name);
      } finally {
        cognito.destroy();
      }
    },
  );

  // Last in the file: without the fix it takes the local stack down.
  it.each(['///', '//evil.example/password/forgot'])(
    'answers a request target starting with // (%s) 404 and keeps serving',
    async (path) => {
      // Act
      const odd = await send({
        method: 'POST',
        path,
        contentType: 'application/json',
        body: Buffer.from('{}'),
      });
      const after = await send({
        method: 'POST',
        path: '/password/forgot',
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify({ username: 'still-there@example.test' })),
      });

      // Assess
      expect({ status: odd.status, code: problemCodeOf(odd.body) }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      });
      expect(after.status).toBe(202);
    },
  );
});
