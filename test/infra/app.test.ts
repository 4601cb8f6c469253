/**
 * The CDK app as `cdk synth` runs it (`cdk.json`'s `app`): offline, with no credentials and only
 * a sender, it writes `PasswordResetStack` with the outputs the contract names, after cdk-nag's
 * validation found nothing; without a sender outside a sandbox, it refuses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app';
import { TEST_SENDER } from './synth';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('bin/app.ts', () => {
  it('synthesizes PasswordResetStack with ApiUrl, UserPoolId and UserPoolClientId, offline', () => {
    // Prepare: no AWS credentials, account or Region at all
    const outdir = mkdtempSync(join(tmpdir(), 'password-reset-app-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)),
    );
    // Act
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...env,
        CDK_OUTDIR: outdir,
        // Offline the stack's Region is unknown, so SES needs its Region named.
        CDK_CONTEXT_JSON: JSON.stringify({ senderAddress: TEST_SENDER, sesRegion: 'eu-west-1' }),
      },
    });
    // Assess
    expect(run.status, run.stderr).toBe(0);
    const template = JSON.parse(
      readFileSync(join(outdir, 'PasswordResetStack.template.json'), 'utf8'),
    ) as { Outputs: Record<string, unknown> };
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId']),
    );
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });
});

describe('createApp (the app bin/app.ts synthesizes)', () => {
  it('refuses to synthesize without a sender outside a sandbox, saying how to go on', () => {
    // Prepare: the context cdk.json gives, with no senderAddress and no sandbox
    const outdir = mkdtempSync(join(tmpdir(), 'password-reset-no-sender-'));
    // Act
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: '{}' },
    });
    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cdk.json context "senderAddress"');
    expect(run.stderr).toContain('-c sandbox=true');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails the synth on a cdk-nag finding nobody acknowledged', () => {
    // Prepare: the real app, plus one resource that breaks an AwsSolutions rule (SNS3)
    const outdir = mkdtempSync(join(tmpdir(), 'password-reset-nag-'));
    const { app, stack } = createApp({
      outdir,
      context: { senderAddress: TEST_SENDER, sesRegion: 'eu-west-1' },
    });
    new Topic(stack, 'UncheckedTopic');
    // Act / Assess
    expect(() => app.synth()).toThrow(/[Vv]alidation/);
  });
});
