/**
 * Contract sections 1 and 3 around the Cognito call: what is sent to Cognito (source IP, request
 * id, metadata, analytics), the headers of every answer, and CORS for listed origins only.
 */
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED_ORIGIN,
  CLIENT_ID,
  type HandlerName,
  invoke,
  loadHandler,
  mockHealthyAws,
  SECURITY_HEADER_VALUES,
  SOURCE_IP,
  validBody,
} from './support';

const { cognito } = mockHealthyAws();

const OPERATIONS = [
  ['forgot-password', ForgotPasswordCommand],
  [
    'confirm-forgot-password',
    ConfirmForgotPasswordCommand as unknown as typeof ForgotPasswordCommand,
  ],
] as const;

describe.each(OPERATIONS)('%s: the Cognito request', (name, command) => {
  it('carries the gateway-seen source IP, encodedData, metadata with our request id and analytics', async () => {
    // Prepare
    const handler = await loadHandler(name);

    // Act
    const { requestId } = await invoke(handler, {
      body: {
        ...validBody(name),
        encodedData: 'eyJjb250ZXh0IjoiZGF0YSJ9',
        analyticsEndpointId: 'endpoint-1',
        clientMetadata: { locale: 'de', requestId: 'forged-by-caller' },
      },
      headers: { 'X-Forwarded-For': '6.6.6.6', 'X-Real-IP': '7.7.7.7' },
    });

    // Assess
    expect(cognito).toHaveReceivedCommandTimes(command, 1);
    const input = cognito.commandCalls(command)[0]?.args[0].input;
    expect(input).toMatchObject({
      ClientId: CLIENT_ID,
      Username: 'alice@example.com',
      UserContextData: { IpAddress: SOURCE_IP, EncodedData: 'eyJjb250ZXh0IjoiZGF0YSJ9' },
      ClientMetadata: { locale: 'de', requestId },
      AnalyticsMetadata: { AnalyticsEndpointId: 'endpoint-1' },
    });
    expect(input?.SecretHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('sends only the IP and our request id when the optional fields are absent', async () => {
    const handler = await loadHandler(name);
    const { requestId } = await invoke(handler, { body: validBody(name), sourceIp: '2001:db8::1' });
    const input = cognito.commandCalls(command)[0]?.args[0].input;
    expect(input?.UserContextData).toEqual({ IpAddress: '2001:db8::1' });
    expect(input?.ClientMetadata).toEqual({ requestId });
    expect(input).not.toHaveProperty('AnalyticsMetadata');
  });
});

describe('confirm: the code and password go to Cognito as sent', () => {
  it('passes code and password unchanged', async () => {
    const handler = await loadHandler('confirm-forgot-password');
    await invoke(handler, {
      body: { username: 'bob', code: '004711', password: 'Sp€cial-Pässwörd1' },
    });
    expect(cognito).toHaveReceivedCommandWith(ConfirmForgotPasswordCommand, {
      Username: 'bob',
      ConfirmationCode: '004711',
      Password: 'Sp€cial-Pässwörd1',
    });
  });
});

describe.each(['forgot-password', 'confirm-forgot-password'] as HandlerName[])(
  '%s: headers and CORS',
  (name) => {
    it.each([
      ['a success', { body: validBody(name) }],
      ['a validation failure', { body: { nope: true } }],
      ['a wrong method', { method: 'GET', body: null }],
      ['a preflight', { method: 'OPTIONS', body: null }],
    ])('puts the security headers and the request id on %s', async (_, input) => {
      const handler = await loadHandler(name);
      const { result, requestId } = await invoke(handler, input);
      expect(result.headers).toMatchObject({
        ...SECURITY_HEADER_VALUES,
        'X-Request-Id': requestId,
      });
    });

    it('allows a listed origin exactly, with Vary: Origin', async () => {
      const handler = await loadHandler(name);
      const { result } = await invoke(handler, {
        body: validBody(name),
        headers: { origin: ALLOWED_ORIGIN },
      });
      expect(result.headers).toMatchObject({
        'Access-Control-Allow-Origin': ALLOWED_ORIGIN,
        'Access-Control-Expose-Headers': 'X-Request-Id, Retry-After',
        Vary: 'Origin',
      });
    });

    it.each([
      ['an unlisted origin', 'https://evil.example.com'],
      ['a listed origin with another scheme', 'http://app.example.com'],
      ['a listed origin as a prefix', 'https://app.example.com.evil.net'],
      ['the null origin', 'null'],
    ])('gives %s no CORS headers (still Vary: Origin)', async (_, origin) => {
      const handler = await loadHandler(name);
      const { result } = await invoke(handler, {
        body: validBody(name),
        headers: { Origin: origin },
      });
      expect(result.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
      expect(result.headers?.Vary).toBe('Origin');
    });

    it('answers a preflight from a listed origin with 204, POST and Content-Type', async () => {
      const handler = await loadHandler(name);
      const { result } = await invoke(handler, {
        method: 'OPTIONS',
        body: null,
        headers: {
          Origin: ALLOWED_ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
      expect(result.statusCode).toBe(204);
      expect(result.body).toBe('');
      expect(result.headers).toMatchObject({
        'Access-Control-Allow-Origin': ALLOWED_ORIGIN,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type',
        Vary: 'Origin',
      });
      expect(Object.values(result.headers ?? {})).not.toContain('*');
      expect(cognito).toHaveReceivedCommandTimes(ForgotPasswordCommand, 0);
    });

    it('sends no CORS headers at all when ALLOWED_ORIGINS is empty', async () => {
      const handler = await loadHandler(name, { ALLOWED_ORIGINS: '' });
      const { result } = await invoke(handler, {
        method: 'OPTIONS',
        body: null,
        headers: { Origin: ALLOWED_ORIGIN },
      });
      expect(
        Object.keys(result.headers ?? {}).filter((key) => /^access-control|^vary$/i.test(key)),
      ).toEqual([]);
    });

    it('never allows a wildcard, even when configured', async () => {
      const handler = await loadHandler(name, { ALLOWED_ORIGINS: '*' });
      const { result } = await invoke(handler, {
        body: validBody(name),
        headers: { Origin: 'https://any.example' },
      });
      expect(result.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    });
  },
);

describe.each(OPERATIONS)('%s: the call budget ends with the request', (name) => {
  it('releases the budget timer once it answers, so that no timer of an answered request fires', async () => {
    // Prepare: a 1.2 s deadline leaves the Cognito call a budget of 400 ms.
    const handler = await loadHandler(name);
    cognito.send.resetHistory();

    // Act
    const { result } = await invoke(handler, { body: validBody(name) }, 1_200);
    const options = (cognito.send.lastCall?.args as unknown[] | undefined)?.[1] as
      | { abortSignal?: AbortSignal }
      | undefined;
    await new Promise((resolve) => setTimeout(resolve, 600));

    // Assert: the signal the call got would have fired by now had its timer been left running.
    expect(result.statusCode).toBeLessThan(300);
    expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
    expect(options?.abortSignal?.aborted).toBe(false);
  });
});
