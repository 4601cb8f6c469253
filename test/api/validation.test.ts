/**
 * Contract section 1: field rules from both sides of every bound, the transport checks and their
 * order. A valid edge value must reach Cognito unchanged; one past it must answer
 * `VALIDATION_FAILED` naming the field without echoing the value.
 */
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandler } from '../../lambda/shared/api-handler';
import { type HandlerName, invoke, json, loadHandler, mockHealthyAws, validBody } from './support';

const { cognito } = mockHealthyAws();

const handlers = {} as Record<HandlerName, ApiHandler>;

beforeAll(async () => {
  handlers['forgot-password'] = await loadHandler('forgot-password');
  handlers['confirm-forgot-password'] = await loadHandler('confirm-forgot-password');
});

const EMOJI = '\u{1F600}'; // one code point, two UTF-16 units
const metadata = (entries: number) =>
  Object.fromEntries(Array.from({ length: entries }, (_, i) => [`k${i}`, `v${i}`]));

interface FieldCase {
  readonly field: string;
  readonly name: string;
  readonly patch: Record<string, unknown>;
}

/** Valid edge values: each must be accepted and sent to Cognito. */
const VALID: readonly FieldCase[] = [
  { field: 'username', name: '1 character', patch: { username: 'a' } },
  {
    field: 'username',
    name: '128 code points (256 UTF-16 units)',
    patch: { username: EMOJI.repeat(128) },
  },
  {
    field: 'username',
    name: 'letters, marks and punctuation of other scripts',
    patch: { username: 'Åsa-Ünïcødé_ナナ' },
  },
  { field: 'username', name: 'an email address', patch: { username: 'alice+reset@example.com' } },
  { field: 'clientMetadata', name: 'empty', patch: { clientMetadata: {} } },
  { field: 'clientMetadata', name: '10 entries', patch: { clientMetadata: metadata(10) } },
  {
    field: 'clientMetadata',
    name: 'a 128-character key and an empty value',
    patch: { clientMetadata: { ['k'.repeat(128)]: '' } },
  },
  {
    field: 'clientMetadata',
    name: 'a 1024-character value',
    patch: { clientMetadata: { k: 'v'.repeat(1024) } },
  },
  { field: 'encodedData', name: '1 character', patch: { encodedData: 'e' } },
  { field: 'encodedData', name: '8192 characters', patch: { encodedData: 'e'.repeat(8192) } },
  { field: 'analyticsEndpointId', name: '1 character', patch: { analyticsEndpointId: 'a' } },
  {
    field: 'analyticsEndpointId',
    name: '1024 characters',
    patch: { analyticsEndpointId: 'a'.repeat(1024) },
  },
];

/** One past each bound, wrong types and patterns: each must be refused, naming `field`. */
const INVALID: readonly FieldCase[] = [
  { field: 'username', name: 'empty', patch: { username: '' } },
  { field: 'username', name: '129 code points', patch: { username: EMOJI.repeat(129) } },
  { field: 'username', name: 'containing a space', patch: { username: 'alice smith' } },
  { field: 'username', name: 'containing a control character', patch: { username: 'alice\u0000' } },
  { field: 'username', name: 'a number', patch: { username: 42 } },
  { field: 'username', name: 'null', patch: { username: null } },
  { field: 'username', name: 'an array', patch: { username: ['alice'] } },
  { field: 'username', name: 'missing', patch: { username: undefined } },
  { field: 'clientMetadata', name: '11 entries', patch: { clientMetadata: metadata(11) } },
  { field: 'clientMetadata', name: 'an array', patch: { clientMetadata: ['a'] } },
  { field: 'clientMetadata', name: 'null', patch: { clientMetadata: null } },
  { field: 'clientMetadata', name: 'a string', patch: { clientMetadata: 'a=b' } },
  { field: 'clientMetadata', name: 'an empty key', patch: { clientMetadata: { '': 'v' } } },
  {
    field: 'clientMetadata',
    name: 'a 129-character key',
    patch: { clientMetadata: { ['k'.repeat(129)]: 'v' } },
  },
  {
    field: 'clientMetadata',
    name: 'a 1025-character value',
    patch: { clientMetadata: { k: 'v'.repeat(1025) } },
  },
  { field: 'clientMetadata', name: 'a number value', patch: { clientMetadata: { k: 7 } } },
  {
    field: 'clientMetadata',
    name: 'a nested object',
    patch: { clientMetadata: { k: { a: 'b' } } },
  },
  { field: 'clientMetadata', name: 'a null value', patch: { clientMetadata: { k: null } } },
  { field: 'encodedData', name: 'empty', patch: { encodedData: '' } },
  { field: 'encodedData', name: '8193 characters', patch: { encodedData: 'e'.repeat(8193) } },
  { field: 'encodedData', name: 'an object', patch: { encodedData: { a: 1 } } },
  { field: 'analyticsEndpointId', name: 'empty', patch: { analyticsEndpointId: '' } },
  {
    field: 'analyticsEndpointId',
    name: '1025 characters',
    patch: { analyticsEndpointId: 'a'.repeat(1025) },
  },
  { field: 'analyticsEndpointId', name: 'true', patch: { analyticsEndpointId: true } },
  {
    field: 'clientId',
    name: 'an unknown field (the client id is configuration)',
    patch: { clientId: 'other' },
  },
  { field: 'secretHash', name: 'an unknown field', patch: { secretHash: 'x' } },
];

/** An unpaired surrogate: `JSON.stringify` writes it as the escape `\ud800`, as a caller could. */
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udc00';

/** Strings that are not well-formed Unicode, in every string field (contract section 1). */
const NOT_UNICODE: readonly FieldCase[] = [
  { field: 'username', name: 'a lone high surrogate', patch: { username: `al${LONE_HIGH}ice` } },
  {
    field: 'clientMetadata',
    name: 'a lone surrogate in a value',
    patch: { clientMetadata: { k: `v${LONE_LOW}` } },
  },
  {
    field: 'clientMetadata',
    name: 'a lone surrogate in a key',
    patch: { clientMetadata: { [`k${LONE_HIGH}`]: 'v' } },
  },
  { field: 'encodedData', name: 'a lone surrogate', patch: { encodedData: `e${LONE_HIGH}` } },
  {
    field: 'analyticsEndpointId',
    name: 'a lone surrogate',
    patch: { analyticsEndpointId: `${LONE_LOW}a` },
  },
];

const CONFIRM_VALID: readonly FieldCase[] = [
  // Cognito's `[\S]+` is Java's: only space, \t, \n, \x0B, \f, \r are whitespace to it.
  { field: 'password', name: 'with a no-break space (U+00A0)', patch: { password: 'ab\u00a0c' } },
  {
    field: 'password',
    name: 'with an ideographic space (U+3000)',
    patch: { password: 'a\u3000b' },
  },
  { field: 'password', name: 'with a line separator (U+2028)', patch: { password: 'a\u2028b' } },
  { field: 'code', name: 'with a zero-width no-break space (U+FEFF)', patch: { code: '1\ufeff2' } },
  { field: 'code', name: 'with an en quad (U+2000)', patch: { code: '12\u2000' } },
  { field: 'code', name: '1 character', patch: { code: '1' } },
  { field: 'code', name: '2048 characters', patch: { code: '9'.repeat(2048) } },
  { field: 'password', name: '1 character', patch: { password: 'p' } },
  { field: 'password', name: '256 code points', patch: { password: EMOJI.repeat(256) } },
];

const CONFIRM_INVALID: readonly FieldCase[] = [
  { field: 'code', name: 'empty', patch: { code: '' } },
  { field: 'code', name: '2049 characters', patch: { code: '9'.repeat(2049) } },
  { field: 'code', name: 'with a space', patch: { code: '123 456' } },
  { field: 'code', name: 'a number', patch: { code: 123456 } },
  { field: 'code', name: 'missing', patch: { code: undefined } },
  { field: 'password', name: 'empty', patch: { password: '' } },
  { field: 'password', name: '257 code points', patch: { password: EMOJI.repeat(257) } },
  // Cognito's PasswordType pattern is `^[\S]+$` (api-models-aws, 2025-08): no inner space either.
  {
    field: 'password',
    name: 'with an inner space',
    patch: { password: 'correct horse battery staple' },
  },
  { field: 'password', name: 'with a tab', patch: { password: 'pass\tword' } },
  { field: 'password', name: 'with a vertical tab', patch: { password: 'pass\u000bword' } },
  { field: 'password', name: 'with a form feed', patch: { password: 'pass\fword' } },
  { field: 'code', name: 'with a carriage return', patch: { code: '12\r34' } },
  { field: 'code', name: 'with a line feed', patch: { code: '12\n34' } },
  { field: 'code', name: 'a lone high surrogate', patch: { code: `12${LONE_HIGH}` } },
  { field: 'password', name: 'a lone low surrogate', patch: { password: `pw${LONE_LOW}x` } },
  { field: 'password', name: 'null', patch: { password: null } },
  { field: 'password', name: 'missing', patch: { password: undefined } },
];

const COMMANDS: Record<HandlerName, typeof ForgotPasswordCommand> = {
  'forgot-password': ForgotPasswordCommand,
  'confirm-forgot-password':
    ConfirmForgotPasswordCommand as unknown as typeof ForgotPasswordCommand,
};

const SUCCESS = { 'forgot-password': 202, 'confirm-forgot-password': 204 } as const;

function withPatch(name: HandlerName, patch: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...validBody(name), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete body[key];
  return body;
}

function expectRefused(
  result: Awaited<ReturnType<typeof invoke>>['result'],
  field: string,
  echoed?: unknown,
): void {
  expect(result.statusCode).toBe(400);
  const body = json(result);
  expect(body.code).toBe('VALIDATION_FAILED');
  const errors = body.errors as { field: string; message: string }[];
  expect(errors.map((error) => error.field)).toContain(field);
  for (const error of errors) {
    expect(Object.keys(error).sort()).toEqual(['field', 'message']);
    if (typeof echoed === 'string' && echoed.length > 1)
      expect(error.message).not.toContain(echoed);
  }
}

describe.each(['forgot-password', 'confirm-forgot-password'] as const)(
  '%s: field rules',
  (name) => {
    const valid = name === 'forgot-password' ? VALID : [...VALID, ...CONFIRM_VALID];
    const invalid =
      name === 'forgot-password'
        ? [...INVALID, ...NOT_UNICODE]
        : [...INVALID, ...NOT_UNICODE, ...CONFIRM_INVALID];

    it.each(valid)('accepts $field: $name', async ({ patch }) => {
      // Act
      const { result } = await invoke(handlers[name], { body: withPatch(name, patch) });

      // Assess
      expect(result.statusCode).toBe(SUCCESS[name]);
      expect(cognito).toHaveReceivedCommandTimes(COMMANDS[name], 1);
    });

    it.each(invalid)('refuses $field: $name', async ({ field, patch }) => {
      // Act
      const { result } = await invoke(handlers[name], { body: withPatch(name, patch) });

      // Assess
      expectRefused(result, field, Object.values(patch)[0]);
      expect(cognito).toHaveReceivedCommandTimes(COMMANDS[name], 0);
    });

    it('reports every invalid field at once', async () => {
      const { result } = await invoke(handlers[name], {
        body: { username: '', encodedData: '', extra: 1 },
      });
      const fields = (json(result).errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'encodedData', 'extra']));
    });

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"alice"'],
      ['a number', '42'],
    ])('refuses a body that is %s as field "body"', async (_, text) => {
      const { result } = await invoke(handlers[name], { body: text });
      expectRefused(result, 'body');
    });

    it.each([
      [
        'a top-level __proto__ key',
        '{"username":"alice","__proto__":{"polluted":true}}',
        '__proto__',
      ],
      [
        'a top-level constructor key',
        '{"username":"alice","constructor":{"prototype":{"polluted":true}}}',
        'constructor',
      ],
      ['a plain constructor key', '{"username":"alice","constructor":"x"}', 'constructor'],
      [
        'a __proto__ key in clientMetadata',
        '{"username":"alice","clientMetadata":{"__proto__":"x"}}',
        'clientMetadata',
      ],
      [
        'a constructor key in clientMetadata',
        '{"username":"alice","clientMetadata":{"constructor":"x"}}',
        'clientMetadata',
      ],
      [
        'a prototype key in clientMetadata',
        '{"username":"alice","clientMetadata":{"prototype":"x"}}',
        'clientMetadata',
      ],
    ])('refuses %s, naming it, without polluting any prototype', async (_, text, field) => {
      // Act
      const { result } = await invoke(handlers[name], {
        body:
          name === 'forgot-password'
            ? text
            : text.replace('{"username":"alice"', '{"username":"alice","code":"1","password":"p"'),
      });

      // Assess
      expectRefused(result, field);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(cognito).toHaveReceivedCommandTimes(COMMANDS[name], 0);
    });
  },
);

describe('clientMetadata counts entries as the caller sent them', () => {
  it('refuses 10 ordinary entries plus a reserved key (11 sent)', async () => {
    const text = `{"username":"alice","clientMetadata":${JSON.stringify(metadata(10)).replace('{', '{"__proto__":"x",')}}`;
    const { result } = await invoke(handlers['forgot-password'], { body: text });
    expectRefused(result, 'clientMetadata');
  });

  it.each(['forgot-password', 'confirm-forgot-password'] as const)(
    '%s: refuses 11 entries sent with a duplicate key (10 after JSON.parse)',
    async (name) => {
      // Prepare: "k0" twice, k1..k9 once: 11 members in the text, 10 distinct keys
      const { clientMetadata: _, ...rest } = withPatch(name, {});
      const text = `${JSON.stringify(rest).slice(0, -1)},"clientMetadata":${JSON.stringify(metadata(10)).replace('{', '{"k0":"first",')}}`;
      expect(
        Object.keys((JSON.parse(text) as { clientMetadata: object }).clientMetadata),
      ).toHaveLength(10);

      // Act
      const { result } = await invoke(handlers[name], { body: text });

      // Assess
      expectRefused(result, 'clientMetadata');
      expect(cognito).toHaveReceivedCommandTimes(COMMANDS[name], 0);
    },
  );

  it('accepts 10 entries sent with a duplicate key (9 distinct), the last value winning', async () => {
    const text = `{"username":"alice","clientMetadata":${JSON.stringify(metadata(9)).replace('{', '{"k0":"first",')}}`;
    const { result } = await invoke(handlers['forgot-password'], { body: text });
    expect(result.statusCode).toBe(202);
    expect(cognito).toHaveReceivedCommandWith(ForgotPasswordCommand, {
      ClientMetadata: expect.objectContaining({ k0: 'v0' }),
    });
  });

  it('counts duplicates inside an escaped clientMetadata key and a repeated clientMetadata member', async () => {
    const eleven = JSON.stringify(metadata(10)).replace('{', '{"k1":"dup",');
    const text = `{"username":"alice","clientMetadata":{},"client\\u004detadata":${eleven}}`;
    const { result } = await invoke(handlers['forgot-password'], { body: text });
    expectRefused(result, 'clientMetadata');
  });
});

describe('transport checks (method, content type, size, body) and their order', () => {
  const forgot = () => handlers['forgot-password'];
  const valid = JSON.stringify({ username: 'alice' });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'])(
    '%s answers 405 with Allow',
    async (method) => {
      const { result } = await invoke(forgot(), { method, body: valid });
      expect(result.statusCode).toBe(405);
      expect(json(result).code).toBe('METHOD_NOT_ALLOWED');
      expect(result.headers?.Allow).toBe('POST, OPTIONS');
    },
  );

  it.each([
    ['Content-Type', 'application/json'],
    ['Content-Type', 'application/json; charset=utf-8'],
    ['content-type', 'APPLICATION/JSON;Charset=UTF-8'],
    ['CONTENT-TYPE', 'Application/Json ; charset="utf-8"'],
  ])('accepts %s: %s', async (header, value) => {
    const { result } = await invoke(forgot(), {
      body: valid,
      headers: { [header]: value },
      replaceHeaders: true,
    });
    expect(result.statusCode).toBe(202);
  });

  it.each([
    ['text/plain'],
    ['application/vnd.api+json'],
    ['application/merge-patch+json'],
    ['application/jsonx'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    [''],
  ])('refuses Content-Type %j with 415', async (value) => {
    const { result } = await invoke(forgot(), {
      body: valid,
      headers: { 'Content-Type': value },
      replaceHeaders: true,
    });
    expect(result.statusCode).toBe(415);
    expect(json(result).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a missing Content-Type with 415', async () => {
    const { result } = await invoke(forgot(), { body: valid, headers: {}, replaceHeaders: true });
    expect(json(result).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts a body of exactly 16 KiB and refuses 16 KiB + 1 byte with 413', async () => {
    const exact = valid.padEnd(16 * 1024, ' ');
    expect((await invoke(forgot(), { body: exact })).result.statusCode).toBe(202);
    const over = `${exact} `;
    const { result } = await invoke(forgot(), { body: over });
    expect(result.statusCode).toBe(413);
    expect(json(result).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('counts UTF-8 bytes, not characters', async () => {
    // 8193 characters, 16386 bytes
    const body = JSON.stringify({ username: 'alice', encodedData: 'é'.repeat(8180) });
    expect(body.length).toBeLessThan(16 * 1024);
    const { result } = await invoke(forgot(), { body });
    expect(result.statusCode).toBe(413);
  });

  it('decodes a base64 body first', async () => {
    const { result } = await invoke(forgot(), {
      body: Buffer.from(JSON.stringify({ username: 'Åsa' })).toString('base64'),
      isBase64Encoded: true,
    });
    expect(result.statusCode).toBe(202);
    expect(cognito).toHaveReceivedCommandWith(ForgotPasswordCommand, { Username: 'Åsa' });
  });

  it('counts the decoded bytes of a base64 body against the limit', async () => {
    const exact = Buffer.from(valid.padEnd(16 * 1024, ' ')).toString('base64');
    expect((await invoke(forgot(), { body: exact, isBase64Encoded: true })).result.statusCode).toBe(
      202,
    );
    const over = Buffer.from(valid.padEnd(16 * 1024 + 1, ' ')).toString('base64');
    const { result } = await invoke(forgot(), { body: over, isBase64Encoded: true });
    expect(result.statusCode).toBe(413);
  });

  it.each([
    ['an array', 4_000, '[', ']'],
    ['an object', 3_000, '{"":', '}'],
  ])(
    'answers VALIDATION_FAILED, not MALFORMED_JSON, to valid JSON: %s nested %i deep',
    async (_, depth, open, close) => {
      const body = `${open.repeat(depth)}1${close.repeat(depth)}`;
      expect(() => JSON.parse(body)).not.toThrow();
      const { result } = await invoke(forgot(), { body });
      expect(json(result).code).toBe('VALIDATION_FAILED');
    },
  );

  it.each([
    ['no body', null],
    ['an empty body', ''],
    ['truncated JSON', '{"username":"al'],
    ['not JSON', 'username=alice'],
    ['JSON with a trailing comma', '{"username":"alice",}'],
  ])('answers MALFORMED_JSON for %s', async (_, body) => {
    const { result } = await invoke(forgot(), { body });
    expect(result.statusCode).toBe(400);
    expect(json(result).code).toBe('MALFORMED_JSON');
  });

  it.each([
    [
      'invalid UTF-8 in a base64 body',
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64'),
    ],
    ['characters outside the base64 alphabet', '{"username":"alice"}'],
  ])('answers MALFORMED_JSON for %s', async (_, body) => {
    const { result } = await invoke(forgot(), { body, isBase64Encoded: true });
    expect(json(result).code).toBe('MALFORMED_JSON');
  });

  it.each([
    [
      'method before content type',
      { method: 'GET', headers: { 'Content-Type': 'text/plain' }, body: 'x' },
      405,
    ],
    [
      'content type before size',
      { headers: { 'Content-Type': 'text/plain' }, body: 'x'.repeat(20_000) },
      415,
    ],
    ['size before JSON', { body: '{'.repeat(20_000) }, 413],
    [
      'size before base64 decodability',
      { body: `${Buffer.from('x'.repeat(24_000)).toString('base64')}!`, isBase64Encoded: true },
      413,
    ],
    [
      'size before base64 decodability, whatever the characters',
      { body: '!'.repeat(30_000), isBase64Encoded: true },
      413,
    ],
    ['JSON before fields', { body: '{"username":' }, 400],
  ])('checks %s', async (_, input, status) => {
    const { result } = await invoke(forgot(), { replaceHeaders: false, ...input });
    expect(result.statusCode).toBe(status);
  });
});

describe.each(['forgot-password', 'confirm-forgot-password'] as const)(
  '%s: a clientMetadata problem names the rule, never the submitted key',
  (name) => {
    const KEY = 'alice.private@example.org';
    it.each<[string, Record<string, unknown>, string]>([
      [
        'a 1025-character value',
        { [KEY]: 'v'.repeat(1025) },
        'A value must be at most 1024 characters.',
      ],
      ['a number value', { [KEY]: 7 }, 'A value must be a string.'],
      [
        'a 129-character key',
        { [`${KEY}${'k'.repeat(120)}`]: 'v' },
        'A key must be 1 to 128 characters.',
      ],
      ['a lone surrogate in a value', { [KEY]: 'v\udc00' }, 'A value must be valid Unicode text.'],
      [
        'a reserved key',
        { constructor: 'x', [KEY]: 7 },
        'A key must not be __proto__, constructor or prototype.',
      ],
    ])('%s', async (_, clientMetadata, message) => {
      // Act
      const { result } = await invoke(handlers[name], {
        body: { ...validBody(name), clientMetadata },
      });

      // Assess: the rule is on clientMetadata, and the key appears nowhere in the answer
      expectRefused(result, 'clientMetadata');
      expect(json(result).errors).toContainEqual({ field: 'clientMetadata', message });
      expect(result.body).not.toContain(KEY);
      expect(result.body).not.toContain('alice.private');
    });
  },
);
