/**
 * The stack's configuration (cdk.json context): documented defaults, the string forms `cdk -c`
 * passes, and a refusal naming the key for every invalid value, both from the parser and from
 * the real CDK app entry point.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_DEFAULTS,
  ConfigurationError,
  type PasswordResetConfig,
  parseConfig,
} from '../../infra/config';
import { TEST_SENDER } from './synth';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The configuration from `context`, given the sender every deployment outside a sandbox needs. */
const from = (context: Record<string, unknown>) =>
  parseConfig((key) => ({ senderAddress: TEST_SENDER, ...context })[key]);
/** The configuration from `context` alone. */
const raw = (context: Record<string, unknown>) => parseConfig((key) => context[key]);

describe('defaults', () => {
  it('refuse a deployment without a sender outside a sandbox, naming the key and both ways on', () => {
    // Act
    const attempt = () => raw({});
    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow('cdk.json context "senderAddress"');
    expect(attempt).toThrow(/verified SES identity \(-c senderAddress=.*-c sandbox=true/);
    expect(raw({ sandbox: true }).senderAddress).toBeUndefined();
    expect(raw({ senderAddress: TEST_SENDER }).senderAddress).toBe(TEST_SENDER);
  });

  it('are secure and complete with nothing but a sender', () => {
    expect(from({})).toEqual({
      allowedOrigins: [],
      senderAddress: TEST_SENDER,
      sesIdentity: TEST_SENDER,
      sesRegion: undefined,
      threatProtection: 'off',
      wafRateLimit: 100,
      wafRateWindowSeconds: 300,
      throttleRateLimit: 10,
      throttleBurstLimit: 20,
      alarmEmail: undefined,
      sandbox: false,
      passwordMinLength: 15,
      passwordHistorySize: 5,
      revokeSessions: true,
      forgotMinResponseMs: 700,
      confirmMinResponseMs: 400,
      tokenValidityMinutes: 15,
      secretRotationDays: 90,
      attemptLimit: 10,
      attemptWindowSeconds: 900,
      afterResetRetryHours: 24,
      logRetentionDays: 90,
      resetPageUrl: undefined,
      defaultLocale: 'en',
      messageTexts: {},
    } satisfies PasswordResetConfig);
  });

  it('are what cdk.json documents, key by key (null meaning unset)', () => {
    // Prepare
    const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const documented = Object.fromEntries(
      Object.entries(cdkJson.context).filter(([key]) => key in CONFIG_DEFAULTS),
    );
    // Assess
    expect(Object.keys(documented).sort()).toEqual(Object.keys(CONFIG_DEFAULTS).sort());
    for (const [key, value] of Object.entries(documented)) {
      expect(value ?? undefined, key).toEqual(CONFIG_DEFAULTS[key as keyof PasswordResetConfig]);
    }
    expect(from({ ...cdkJson.context, senderAddress: TEST_SENDER })).toEqual(from({}));
  });
});

describe('valid values', () => {
  it('accept the string forms that `cdk -c key=value` passes', () => {
    expect(
      from({
        allowedOrigins: 'https://app.example.com, http://localhost:5173',
        wafRateLimit: '500',
        sandbox: 'true',
        revokeSessions: 'false',
        throttleRateLimit: '14',
      }),
    ).toMatchObject({
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      wafRateLimit: 500,
      sandbox: true,
      revokeSessions: false,
      throttleRateLimit: 14,
    });
  });

  it('default the SES identity to the sender address and accept its domain instead', () => {
    expect(from({ senderAddress: 'no-reply@example.com' })).toMatchObject({
      sesIdentity: 'no-reply@example.com',
    });
    expect(
      from({
        senderAddress: 'no-reply@example.com',
        sesIdentity: 'example.com',
        sesRegion: 'eu-west-1',
      }),
    ).toMatchObject({ sesIdentity: 'example.com', sesRegion: 'eu-west-1' });
  });
});

describe('the email settings', () => {
  it.each([
    ['https://app.example.com/reset', 'https://app.example.com/reset'],
    ['https://app.example.com/reset?app=web', 'https://app.example.com/reset?app=web'],
    ['http://localhost:3001/', 'http://localhost:3001/'],
    ['http://127.0.0.1:3001', 'http://127.0.0.1:3001'],
  ])('accept the reset page %s', (resetPageUrl, expected) => {
    expect(from({ resetPageUrl }).resetPageUrl).toBe(expected);
  });

  it("accept a default locale with texts, bundled or the team's own", () => {
    expect(from({ defaultLocale: 'DE' }).defaultLocale).toBe('de');
    expect(
      from({ defaultLocale: 'pt', messageTexts: { pt: { forgotSubject: 'Redefina sua senha' } } }),
    ).toMatchObject({
      defaultLocale: 'pt',
      messageTexts: { pt: { forgotSubject: 'Redefina sua senha' } },
    });
  });

  it('accept the texts as an object or as the JSON string `cdk -c` passes', () => {
    const texts = { fr: { forgotSubject: 'Nouveau mot de passe' } };
    expect(from({ messageTexts: texts }).messageTexts).toEqual(texts);
    expect(from({ messageTexts: JSON.stringify(texts) }).messageTexts).toEqual(texts);
  });
});

describe('invalid values fail with a message naming the key', () => {
  it.each<[keyof PasswordResetConfig | string, Record<string, unknown>]>([
    ['allowedOrigins', { allowedOrigins: ['*'] }],
    ['allowedOrigins', { allowedOrigins: ['https://*.example.com'] }],
    ['allowedOrigins', { allowedOrigins: ['https://app.example.com/'] }],
    ['allowedOrigins', { allowedOrigins: 'http://app.example.com' }],
    ['allowedOrigins', { allowedOrigins: 42 }],
    ['senderAddress', { senderAddress: 'not-an-address' }],
    ['sesIdentity', { senderAddress: 'a@example.com', sesIdentity: 'other.com' }],
    ['sesIdentity', { senderAddress: null, sandbox: true, sesIdentity: 'example.com' }],
    ['sesRegion', { senderAddress: 'a@example.com', sesRegion: 'Ireland' }],
    ['threatProtection', { threatProtection: 'on' }],
    ['threatProtection', { threatProtection: true }],
    ['wafRateLimit', { wafRateLimit: 5 }],
    ['wafRateLimit', { wafRateLimit: 'lots' }],
    ['wafRateWindowSeconds', { wafRateWindowSeconds: 90 }],
    ['throttleRateLimit', { throttleRateLimit: 15 }],
    ['throttleRateLimit', { throttleRateLimit: 0 }],
    ['throttleBurstLimit', { throttleBurstLimit: 2.5 }],
    ['alarmEmail', { alarmEmail: 'ops' }],
    ['sandbox', { sandbox: 'yes' }],
    ['passwordMinLength', { passwordMinLength: 6 }],
    ['passwordMinLength', { passwordMinLength: 100 }],
    ['passwordHistorySize', { passwordHistorySize: 25 }],
    ['revokeSessions', { revokeSessions: 1 }],
    ['forgotMinResponseMs', { forgotMinResponseMs: -1 }],
    ['confirmMinResponseMs', { confirmMinResponseMs: 5_001 }],
    ['tokenValidityMinutes', { tokenValidityMinutes: 4 }],
    ['attemptLimit', { attemptLimit: -1 }],
    ['attemptWindowSeconds', { attemptWindowSeconds: 30 }],
    ['afterResetRetryHours', { afterResetRetryHours: 0 }],
    ['afterResetRetryHours', { afterResetRetryHours: 84 }],
    ['afterResetRetryHours', { afterResetRetryHours: 169 }],
    ['afterResetRetryHours', { afterResetRetryHours: '12h' }],
    ['tokenValidityMinutes', { tokenValidityMinutes: 1_441 }],
    ['logRetentionDays', { logRetentionDays: 10 }],
    ['resetPageUrl', { resetPageUrl: 'app.example.com/reset' }],
    ['resetPageUrl', { resetPageUrl: 'http://app.example.com/reset' }],
    ['resetPageUrl', { resetPageUrl: 'https://app.example.com/reset#step' }],
    ['resetPageUrl', { resetPageUrl: 'https://user:pw@app.example.com/reset' }],
    ['resetPageUrl', { resetPageUrl: 42 }],
    ['defaultLocale', { defaultLocale: 'pt' }],
    ['defaultLocale', { defaultLocale: 'not a tag' }],
    ['defaultLocale', { defaultLocale: 7 }],
    ['messageTexts', { messageTexts: { de: { forgotCodeLine: 'no code here' } } }],
    ['messageTexts', { messageTexts: { de: { unknownKey: 'x' } } }],
    ['messageTexts', { messageTexts: '{not json' }],
  ])('%s: %j', (key, context) => {
    // Act
    const attempt = () => from(context);
    // Assess
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(`cdk.json context "${key}"`);
  });

  it('explains that the throttle is per method against the 30/s Cognito quota', () => {
    expect(() => from({ throttleRateLimit: 15 })).toThrow(/two POST methods.*30 requests\/s/);
  });

  it('fails the real app (bin/app.ts) before any resource is built', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'password-reset-bad-context-'));
    // Act
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({
          senderAddress: TEST_SENDER,
          sesRegion: 'eu-west-1',
          wafRateLimit: 'lots',
        }),
      },
    });
    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('cdk.json context "wafRateLimit"');
  });
});
