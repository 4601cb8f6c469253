/**
 * fast-check generators of hostile API Gateway events and trigger events. Most generated bodies
 * sit near the contract's edges (valid shapes with one thing wrong, sizes around the limits),
 * because uniformly random input almost never gets past the first check.
 *
 * Every password, code and `encodedData` carries a marker token (`Zq` + 10 characters) so that
 * a property can look for it in the logs and the answer without false alarms.
 */
import type { APIGatewayProxyEvent, PostConfirmationTriggerEvent } from 'aws-lambda';
import fc from 'fast-check';
import { apiEvent } from '../support/api-events';
import type { Operation } from './request-oracle';

/** Finds the marker tokens in any text. */
export const MARKER = /Zq[a-z0-9]{10}/g;

const token = fc.stringMatching(/^Zq[a-z0-9]{10}$/);

/** Text that stresses a validator: ASCII, full unicode, whitespace, JSON-meaningful characters. */
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(
      '',
      ' ',
      '\t',
      '\u00a0',
      '\u2028',
      'a b',
      '"',
      '\\',
      '\u0000',
      '\ud800',
      'Ω',
      '😀',
      'e\u0301',
    ),
  );

/** Strings that tend to be valid for `^\S+$` fields, with a marker, sometimes broken. */
const markedNoWhitespace = (maxCodePoints: number) =>
  fc
    .tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 24 }), token, anyText(8), fc.nat(9))
    .map(([prefix, marker, tail, mode]) => {
      const clean = `${prefix.replace(/\s/g, '')}${marker}`;
      if (mode === 0) return `${clean}${tail}`;
      if (mode === 1)
        return `${clean}${'x'.repeat(Math.max(0, maxCodePoints - [...clean].length))}`;
      if (mode === 2)
        return `${clean}${'x'.repeat(Math.max(0, maxCodePoints + 1 - [...clean].length))}`;
      if (mode === 3) return `${clean} `;
      return clean;
    });

const username = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('alice@example.test', 'bob', 'Zoë.Ünïcødé', '用户', '😀user', 'a'),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 130 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'a b',
      'x'.repeat(128),
      'x'.repeat(129),
      '😀'.repeat(128),
      '😀'.repeat(129),
      '\u0000',
      'tab\t',
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const clientMetadata = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ maxLength: 20 }),
      { maxKeys: 11 },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      JSON.parse('{"__proto__": {"polluted": "yes"}}'),
      JSON.parse('{"__proto__": "x", "constructor": "y", "prototype": "z"}'),
      { constructor: { prototype: { polluted: 'yes' } } },
      Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`k${index}`, 'v'])),
      Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`k${index}`, 'v'])),
      { ['k'.repeat(129)]: 'v' },
      { k: 'v'.repeat(1025) },
      { '': 'v' },
      { k: 1 },
      { k: null },
      [],
      null,
      'x',
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const encodedData = fc.oneof(
  { weight: 3, arbitrary: markedNoWhitespace(8192) },
  { weight: 1, arbitrary: token.map((marker) => `${marker}${'A'.repeat(8192 - 12)}`) },
  { weight: 1, arbitrary: token.map((marker) => `${marker}${'A'.repeat(8193 - 12)}`) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('', 7, null, ['x'], {}) },
);

const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/** A request section 1 accepts, with every optional field sometimes present. */
function validRequestObject(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  const cleanMarked = fc
    .tuple(fc.string({ unit: 'grapheme', maxLength: 12 }), token)
    .map(([prefix, marker]) => `${prefix.replace(/[\s\u2028\u2029]/gu, '')}${marker}`);
  const validUsername = fc.oneof(
    fc.constantFrom(
      'alice@example.test',
      'Zoë.Ünïcødé',
      '用户',
      '😀user',
      'a',
      'x'.repeat(128),
      '😀'.repeat(128),
    ),
    fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((name) => USERNAME.test(name)),
  );
  const optional = fc.record(
    {
      clientMetadata: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 16 }),
        fc.string({ maxLength: 24 }),
        {
          maxKeys: 10,
        },
      ),
      encodedData: cleanMarked,
      analyticsEndpointId: fc.string({ minLength: 1, maxLength: 40 }),
    },
    { requiredKeys: [] },
  );
  const required =
    operation === 'confirm'
      ? fc.record({ username: validUsername, code: cleanMarked, password: cleanMarked })
      : fc.record({ username: validUsername });
  return fc.tuple(required, optional).map(([base, rest]) => ({ ...base, ...rest }));
}

/** A body object shaped like the operation's request: valid, or with a chance of each defect. */
export function requestObject(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    { weight: 1, arbitrary: validRequestObject(operation) },
    { weight: 1, arbitrary: defectiveRequestObject(operation) },
  );
}

function defectiveRequestObject(operation: Operation): fc.Arbitrary<Record<string, unknown>> {
  const required =
    operation === 'confirm'
      ? fc.record({ username, code: markedNoWhitespace(2048), password: markedNoWhitespace(256) })
      : fc.record({ username });
  return fc
    .tuple(
      required,
      fc.record(
        {
          clientMetadata,
          encodedData,
          analyticsEndpointId: fc.oneof(
            fc.string({ minLength: 1, maxLength: 40 }),
            fc.constantFrom('', 'x'.repeat(1025)),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.option(
        fc.dictionary(fc.string({ maxLength: 10 }), fc.anything(), { minKeys: 1, maxKeys: 3 }),
        { freq: 6 },
      ),
      fc.option(fc.constantFrom('username', 'code', 'password'), { freq: 8 }),
    )
    .map(([base, optional, extra, dropped]) => {
      const body: Record<string, unknown> = { ...base, ...optional, ...(extra ?? {}) };
      if (dropped) delete body[dropped];
      return body;
    });
}

/**
 * Deepest nesting the properties generate. Deeper (valid) JSON is answered MALFORMED_JSON by the
 * handlers today, a known defect pinned by its own example test (see the property test file).
 */
export const PROPERTY_MAX_DEPTH = 1_000;

/** JSON texts that are hard on parsers and validators. */
const nastyJson = fc.oneof(
  fc.nat(PROPERTY_MAX_DEPTH).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.nat(PROPERTY_MAX_DEPTH).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc
    .nat(1200)
    .map((width) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: width }, (_, i) => [`f${i}`, i]))),
    ),
  fc.constantFrom(
    'null',
    'true',
    '0',
    '"string"',
    '[]',
    '{}',
    '{"username":"alice","__proto__":{"polluted":"yes"}}',
    '{"username":"alice","constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"username":"alice"}}',
    '{"username":"alice","username":"bob"}',
    '{"username":"\\ud800"}',
    '{"username":"alice"',
    '{username:"alice"}',
    "{'username':'alice'}",
    '\uFEFF{"username":"alice"}',
    '{"username":"alice"}garbage',
    '',
    ' ',
  ),
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

interface BodyShape {
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

function bodyShapes(operation: Operation): fc.Arbitrary<BodyShape> {
  const objectJson = requestObject(operation).map((object) => JSON.stringify(object));
  const text = fc.oneof(
    { weight: 6, arbitrary: objectJson },
    { weight: 3, arbitrary: nastyJson },
    {
      weight: 1,
      arbitrary: fc
        .tuple(objectJson, fc.integer({ min: 16_000, max: 17_000 }))
        .map(([json, size]) => `${json}${' '.repeat(Math.max(0, size - Buffer.byteLength(json)))}`),
    },
  );
  return fc.oneof(
    { weight: 7, arbitrary: text.map((body) => ({ body, isBase64Encoded: false })) },
    {
      weight: 2,
      arbitrary: text.map((body) => ({
        body: Buffer.from(body, 'utf8').toString('base64'),
        isBase64Encoded: true,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({
        body: Buffer.concat([Buffer.from('{"username":"'), bytes, Buffer.from('"}')]).toString(
          'base64',
        ),
        isBase64Encoded: true,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<BodyShape>(
        { body: null, isBase64Encoded: false },
        { body: null, isBase64Encoded: true },
        { body: '!!not base64!!', isBase64Encoded: true },
        { body: 'e30', isBase64Encoded: true },
        { body: '', isBase64Encoded: true },
      ),
    },
  );
}

const contentTypeValue = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON;charset=UTF-8',
      'Application/Json',
      ' application/json ',
      'application/json;',
      'application/json; foo=bar',
      'application/vnd.api+json',
      'application/merge-patch+json',
      'application/jsonx',
      'application/json-patch+json',
      'text/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      '',
      '*/*',
    ),
  },
);

const headerNameCasing = fc.constantFrom(
  'Content-Type',
  'content-type',
  'CONTENT-TYPE',
  'content-TYPE',
  'Content-type',
);

const headers = fc
  .tuple(
    fc.option(fc.tuple(headerNameCasing, contentTypeValue), { freq: 10 }),
    fc.dictionary(
      fc
        .string({ minLength: 1, maxLength: 20 })
        .filter((name) => name.toLowerCase() !== 'content-type'),
      fc.string({ maxLength: 40 }),
      { maxKeys: 5 },
    ),
    fc.option(fc.constantFrom('https://app.example.test', 'https://evil.example', 'null', ''), {
      freq: 3,
    }),
  )
  .map(([contentType, others, origin]) => {
    const result: Record<string, string> = { ...others };
    if (origin !== null) result.Origin = origin;
    if (contentType) result[contentType[0]] = contentType[1];
    return result;
  });

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constant('POST') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'post', 'TRACE'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/password/forgot', '/password/confirm') },
  { weight: 1, arbitrary: fc.webPath() },
);

/**
 * @example
 * fc.assert(fc.asyncProperty(apiEvents('forgot'), async (event) => { ... }))
 */
export function apiEvents(operation: Operation): fc.Arbitrary<APIGatewayProxyEvent> {
  return fc
    .record({
      method,
      path,
      headers: fc.option(headers, { freq: 30 }),
      shape: bodyShapes(operation),
      sourceIp: fc.oneof(fc.ipV4(), fc.ipV6()),
    })
    .map(({ method: httpMethod, path: eventPath, headers: eventHeaders, shape, sourceIp }) =>
      apiEvent({
        method: httpMethod,
        path: eventPath,
        headers: eventHeaders,
        rawBody: shape.body,
        isBase64Encoded: shape.isBase64Encoded,
        sourceIp,
      }),
    );
}

const TRIGGER_SOURCES = [
  'PostConfirmation_ConfirmForgotPassword',
  'PostConfirmation_ConfirmSignUp',
  'PreSignUp_SignUp',
  'CustomMessage_ForgotPassword',
] as const;

/** Well-formed password-reset events with hostile values: unicode names, odd flags, metadata. */
function realisticTriggerEvents(): fc.Arbitrary<PostConfirmationTriggerEvent> {
  return fc
    .record({
      userName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 128 }),
      sub: fc.oneof(fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 40 })),
      marker: token,
      emailVerified: fc.constantFrom('true', 'false', 'True', ''),
      clientMetadata: fc.dictionary(
        fc.string({ maxLength: 12 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        {
          maxKeys: 4,
        },
      ),
    })
    .map(({ userName, sub, marker, emailVerified, clientMetadata }) => ({
      version: '1',
      region: 'eu-west-1',
      userPoolId: 'eu-west-1_EXAMPLE',
      userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'example-client-id' },
      triggerSource: 'PostConfirmation_ConfirmForgotPassword',
      request: {
        userAttributes: { sub, email: `${marker}@example.test`, email_verified: emailVerified },
        clientMetadata,
      },
      response: {},
    }));
}

/** Post-confirmation events with any shape Cognito (or a misconfigured caller) might send. */
export function triggerEvents(): fc.Arbitrary<PostConfirmationTriggerEvent> {
  return fc.oneof(
    { weight: 1, arbitrary: realisticTriggerEvents() },
    { weight: 2, arbitrary: chaoticTriggerEvents() },
  );
}

function chaoticTriggerEvents(): fc.Arbitrary<PostConfirmationTriggerEvent> {
  const attributes = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          sub: fc.oneof(fc.uuid(), fc.string()),
          email: token.map((marker) => `${marker}@example.test`),
          email_verified: fc.constantFrom('true', 'false', 'TRUE', '', 'yes'),
          'cognito:user_status': fc.constantFrom('CONFIRMED', 'RESET_REQUIRED'),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.anything() },
  );
  const request = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record(
        {
          userAttributes: attributes,
          clientMetadata: fc.oneof(
            fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
            fc.anything(),
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.anything() },
  );
  return fc
    .record(
      {
        version: fc.constantFrom('1', '2', ''),
        region: fc.constantFrom('eu-west-1', 'us-east-1', ''),
        userPoolId: fc.oneof(fc.constant('eu-west-1_EXAMPLE'), fc.string({ maxLength: 60 })),
        userName: fc.oneof(
          fc.constant('user1'),
          fc.string({ unit: 'grapheme', maxLength: 130 }),
          fc.anything(),
        ),
        callerContext: fc.oneof(
          fc.record({ awsSdkVersion: fc.string(), clientId: fc.string() }),
          fc.anything(),
        ),
        triggerSource: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...TRIGGER_SOURCES) },
          { weight: 1, arbitrary: fc.string() },
          { weight: 1, arbitrary: fc.anything() },
        ),
        request,
        response: fc.oneof(fc.constant({}), fc.anything()),
      },
      { requiredKeys: ['triggerSource'] },
    )
    .map((event) => event as unknown as PostConfirmationTriggerEvent);
}
