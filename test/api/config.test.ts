/** Contract section 5's environment, read once per container. */
import { describe, expect, it } from 'vitest';
import {
  parseMinResponseMs,
  parseOrigins,
  parseSecretCacheSeconds,
  readHandlerConfig,
} from '../../lambda/shared/config';

describe('FORGOT_MIN_RESPONSE_MS', () => {
  it.each([
    [undefined, 700],
    ['', 700],
    ['0', 0],
    ['250', 250],
    ['-1', 700],
    ['1.5', 700],
    ['fast', 700],
  ])('%j gives %i ms', (value, expected) => {
    expect(parseMinResponseMs(value)).toBe(expected);
  });
});

describe('ALLOWED_ORIGINS', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['https://a.example', ['https://a.example']],
    [' https://a.example , https://b.example/ ,', ['https://a.example', 'https://b.example']],
    ['*', []],
    ['*,https://a.example', ['https://a.example']],
  ])('%j gives %j', (value, expected) => {
    expect([...parseOrigins(value)]).toEqual(expected);
  });
});

describe('readHandlerConfig', () => {
  it('keeps unset values undefined so that the handler can answer INTERNAL instead of crashing', () => {
    expect(readHandlerConfig({})).toEqual({
      clientId: undefined,
      secretId: undefined,
      allowedOrigins: new Set(),
      minResponseMs: 700,
      confirmMinResponseMs: 400,
      passwordPolicy: { kind: 'unset' },
      secretCacheMs: 300_000,
    });
  });

  it('reads the confirm floor on its own, with the same rules as the forgot floor', () => {
    expect(readHandlerConfig({ CONFIRM_MIN_RESPONSE_MS: '250' })).toMatchObject({
      minResponseMs: 700,
      confirmMinResponseMs: 250,
    });
    expect(readHandlerConfig({ CONFIRM_MIN_RESPONSE_MS: 'fast' }).confirmMinResponseMs).toBe(400);
    expect(readHandlerConfig({ CONFIRM_MIN_RESPONSE_MS: '0' }).confirmMinResponseMs).toBe(0);
  });
});

describe('CLIENT_SECRET_CACHE_SECONDS', () => {
  it.each([
    [undefined, 300],
    ['60', 60],
    ['1', 1],
    ['3600', 3_600],
    ['0', 300],
    ['3601', 300],
    ['-5', 300],
    ['1.5', 300],
    ['soon', 300],
  ])('%s -> %i s (anything but 1-3600 whole seconds is the default)', (value, seconds) => {
    expect(parseSecretCacheSeconds(value)).toBe(seconds);
    expect(readHandlerConfig({ CLIENT_SECRET_CACHE_SECONDS: value }).secretCacheMs).toBe(
      seconds * 1000,
    );
  });
});
