/**
 * Synthesizes `PasswordResetStack` in-process for the assertions, from context exactly as
 * `cdk.json` would give it. One synth takes seconds on two cores: each test file synthesizes once
 * per configuration (in `beforeAll`) and shares the template.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../infra/config';
import { PasswordResetStack } from '../../infra/password-reset-stack';

/** A fixed environment, as `cdk deploy` has with credentials (offline synth has no account). */
export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/**
 * Outside a sandbox the stack needs a sender (issue 11 item 12); the tests synthesize the
 * production configuration with this one unless they set their own (or `senderAddress: null`).
 */
export const TEST_SENDER = 'no-reply@example.com';
const DEPLOYABLE = { senderAddress: TEST_SENDER } as const;

export interface Synthesized {
  readonly app: App;
  readonly stack: PasswordResetStack;
  readonly template: Template;
  /** The cloud assembly directory the app wrote (assets are staged there). */
  readonly outdir: string;
}

/**
 * @example
 * const { template } = synthesize({ sandbox: true });
 */
export function synthesize(
  context: Record<string, unknown> = {},
  options: { acknowledgeNagFindings?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'password-reset-cdk-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:enable-asset-metadata': true, ...DEPLOYABLE, ...context },
  });
  const config = parseConfig((key) => app.node.tryGetContext(key));
  const stack = new PasswordResetStack(app, 'PasswordResetStack', {
    config,
    env: TEST_ENV,
    ...(options.acknowledgeNagFindings === undefined
      ? {}
      : { acknowledgeNagFindings: options.acknowledgeNagFindings }),
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}
