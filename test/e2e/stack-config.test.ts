/**
 * The settings `npm start` reads (pure: no stack is started).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../local/config';
import { CDK_THROTTLE_DEFAULTS, cdkThrottleLimits, MethodThrottle } from '../../local/throttle';
import { REPOSITORY_ROOT } from './local-stack';

const CWD = '/repo';

describe('ports', () => {
  it.each([
    { env: {}, ports: { api: 3000, client: 3001, cognito: 3002, services: 3003, ses: 3004 } },
    {
      env: { PORT: '4000' },
      ports: { api: 4000, client: 4001, cognito: 4002, services: 4003, ses: 4004 },
    },
    { env: { PORT: '0' }, ports: { api: 0, client: 0, cognito: 0, services: 0, ses: 0 } },
    {
      env: { PORT: '4000', SES_PORT: '0' },
      ports: { api: 4000, client: 4001, cognito: 4002, services: 4003, ses: 0 },
    },
  ])('follow PORT unless set one by one: $env', ({ env, ports }) => {
    expect(parseStackConfig([], env, CWD).ports).toEqual(ports);
  });

  it.each(['abc', '-1', '65536', '1.5'])('refuses PORT=%s', (value) => {
    expect(() => parseStackConfig([], { PORT: value }, CWD)).toThrow(/PORT must be a port number/);
  });
});

describe('data and handlers', () => {
  it.each([
    { argv: [], env: {}, localDir: '/repo/.local', lambdaDir: '/repo/lambda', keepData: false },
    {
      argv: ['--keep'],
      env: { LOCAL_DIR: 'tmp/x' },
      localDir: '/repo/tmp/x',
      lambdaDir: '/repo/lambda',
      keepData: true,
    },
    {
      argv: ['--bundles'],
      env: { LOCAL_DIR: '/abs' },
      localDir: '/abs',
      lambdaDir: '/repo/dist/lambda',
      keepData: false,
    },
    {
      argv: [],
      env: { LAMBDA_DIR: '/probes' },
      localDir: '/repo/.local',
      lambdaDir: '/probes',
      keepData: false,
    },
  ])('$argv $env', ({ argv, env, localDir, lambdaDir, keepData }) => {
    expect(parseStackConfig(argv, env, CWD)).toMatchObject({ localDir, lambdaDir, keepData });
  });
});

describe('refused settings', () => {
  it.each([
    { argv: ['--nope'], env: {}, message: /unknown option --nope/ },
    { argv: ['--keep', '--reset'], env: {}, message: /exclude each other/ },
    { argv: [], env: { ALLOWED_ORIGINS: 'http://localhost:5173/' }, message: /exact origins/ },
    { argv: [], env: { ALLOWED_ORIGINS: '*' }, message: /exact origins/ },
    { argv: [], env: { FORGOT_MIN_RESPONSE_MS: 'soon' }, message: /whole number/ },
    { argv: [], env: { CONFIRM_MIN_RESPONSE_MS: '-1' }, message: /CONFIRM_MIN_RESPONSE_MS/ },
  ])('$argv $env', ({ argv, env, message }) => {
    expect(() => parseStackConfig(argv, env, CWD)).toThrow(message);
  });

  it('accepts extra exact origins', () => {
    const config = parseStackConfig(
      [],
      { ALLOWED_ORIGINS: 'http://localhost:5173, https://app.example' },
      CWD,
    );
    expect(config.extraAllowedOrigins).toEqual(['http://localhost:5173', 'https://app.example']);
  });
});

describe('API Gateway stage throttling', () => {
  const cdk = { rateLimit: 10, burstLimit: 20 };

  it.each([
    { env: {}, throttle: cdk },
    { env: { THROTTLE_RATE_LIMIT: '', THROTTLE_BURST_LIMIT: '' }, throttle: cdk },
    { env: { THROTTLE_RATE_LIMIT: '5' }, throttle: { rateLimit: 5, burstLimit: 20 } },
    { env: { THROTTLE_BURST_LIMIT: '2' }, throttle: { rateLimit: 10, burstLimit: 2 } },
    { env: { THROTTLE_RATE_LIMIT: '0' }, throttle: undefined },
    { env: { THROTTLE_BURST_LIMIT: '0' }, throttle: undefined },
  ])('follows the cdk.json context unless overridden: $env', ({ env, throttle }) => {
    expect(parseStackConfig([], env, CWD, cdk).throttle).toEqual(throttle);
  });

  it.each(['ten', '-1', '1.5'])('refuses THROTTLE_RATE_LIMIT=%s', (value) => {
    expect(() => parseStackConfig([], { THROTTLE_RATE_LIMIT: value }, CWD)).toThrow(
      /THROTTLE_RATE_LIMIT must be a whole number/,
    );
  });

  it("reads the CDK stack's limits from cdk.json, its defaults when absent", () => {
    // Prepare
    const directory = mkdtempSync(join(tmpdir(), 'cdk-json-'));
    const custom = join(directory, 'cdk.json');
    writeFileSync(
      custom,
      JSON.stringify({ context: { throttleRateLimit: 3, throttleBurstLimit: 7 } }),
    );
    try {
      // Act / Assess
      expect(cdkThrottleLimits(custom)).toEqual({ rateLimit: 3, burstLimit: 7 });
      expect(cdkThrottleLimits(join(directory, 'missing.json'))).toEqual(CDK_THROTTLE_DEFAULTS);
      expect(cdkThrottleLimits(join(REPOSITORY_ROOT, 'cdk.json'))).toEqual({
        rateLimit: (readJson(join(REPOSITORY_ROOT, 'cdk.json')) as CdkJson).context
          .throttleRateLimit,
        burstLimit: (readJson(join(REPOSITORY_ROOT, 'cdk.json')) as CdkJson).context
          .throttleBurstLimit,
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  describe('the token bucket per method', () => {
    it('serves the burst at once, then the rate, each method on its own', () => {
      // Prepare
      let now = 0;
      const throttle = new MethodThrottle({ rateLimit: 10, burstLimit: 20 }, () => now);
      const take = (method: string, times: number) =>
        Array.from({ length: times }, () => throttle.take(method)).filter(Boolean).length;

      // Act / Assess: a burst of 25 at one instant gets 20 through
      expect(take('POST /password/forgot', 25)).toBe(20);
      // another method has its own bucket
      expect(take('POST /password/confirm', 5)).toBe(5);
      // 0.5 s later 5 tokens came back (10/s), no more
      now += 500;
      expect(take('POST /password/forgot', 10)).toBe(5);
      // after a long pause the bucket is full again, never fuller than the burst
      now += 60_000;
      expect(take('POST /password/forgot', 30)).toBe(20);
    });
  });
});

interface CdkJson {
  readonly context: { readonly throttleRateLimit: number; readonly throttleBurstLimit: number };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
