/**
 * cdk-nag v3 as a test: the AwsSolutions and Serverless packs find nothing unacknowledged, in
 * the default and in a fully configured stack; every acknowledgement carries a reason and is
 * still needed (without it, that exact finding appears on that exact construct).
 */
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/config';
import { flatPathOf } from '../../infra/logical-ids';
import { nagAcknowledgements } from '../../infra/nag-acknowledgements';
import { synthesize, TEST_SENDER } from './synth';

const FULL_CONTEXT = {
  allowedOrigins: ['https://app.example.com'],
  senderAddress: 'no-reply@example.com',
  sesIdentity: 'example.com',
  threatProtection: 'enforced',
  alarmEmail: 'ops@example.com',
};

/**
 * Every finding as `ruleId @ construct path`, paths relative to the stack as the flat stack had
 * them (the box constructs left out, as the acknowledgements name them).
 */
function findings(app: App): string[] {
  const byPath = new Map(app.node.findAll().map((construct) => [construct.node.path, construct]));
  const flat = (path: string) => {
    const construct = byPath.get(path);
    return construct ? flatPathOf(construct) : path.replace(/^PasswordResetStack\//, '');
  };
  const packs: NagPack[] = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  return packs.flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) =>
            `${violation.ruleName} @ ${flat(String((resource as { constructPath?: string }).constructPath))}`,
        ),
      ),
  );
}

describe.each([
  ['the default configuration (a sender, nothing else)', { senderAddress: TEST_SENDER }],
  ['a sandbox without a sender', { sandbox: true, senderAddress: null }],
  ['a full configuration (SES, threat protection, CORS, alarm email)', FULL_CONTEXT],
])('cdk-nag on %s', (_label, context: Record<string, unknown>) => {
  let acknowledged: App;
  let bare: App;

  beforeAll(() => {
    acknowledged = synthesize(context).app;
    bare = synthesize(context, { acknowledgeNagFindings: false }).app;
  });

  it('reports no unacknowledged finding', () => {
    expect(findings(acknowledged)).toEqual([]);
  });

  it('needs every acknowledgement: each one silences a finding that exists without it', () => {
    // Prepare
    const raw = findings(bare);
    const config = parseConfig((key) => context[key]);
    // Assess
    for (const acknowledgement of nagAcknowledgements(config)) {
      for (const path of acknowledgement.paths) {
        const matching = raw.filter(
          (finding) =>
            finding.startsWith(`${acknowledgement.id} @ `) &&
            (finding.endsWith(` @ ${path}`) || finding.includes(` @ ${path}/`)),
        );
        expect(matching, `${acknowledgement.id} on ${path}`).not.toEqual([]);
      }
    }
  });

  it('gives every acknowledgement a reason a reviewer can check', () => {
    for (const acknowledgement of nagAcknowledgements(parseConfig((key) => context[key]))) {
      expect(acknowledgement.reason.length, acknowledgement.id).toBeGreaterThan(80);
    }
  });
});
