/**
 * The settings `npm start` reads (pure: no stack is started).
 */
import { describe, expect, it } from 'vitest';
import { parseStackConfig } from '../../local/config';

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
