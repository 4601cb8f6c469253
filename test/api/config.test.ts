/** Contract section 5's environment, read once per container. */
import { describe, expect, it } from 'vitest';
import { parseMinResponseMs, parseOrigins, readHandlerConfig } from '../../lambda/shared/config';

describe('FORGOT_MIN_RESPONSE_MS', () => {
  it.each([
    [undefined, 400],
    ['', 400],
    ['0', 0],
    ['250', 250],
    ['-1', 400],
    ['1.5', 400],
    ['fast', 400],
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
      minResponseMs: 400,
    });
  });
});
