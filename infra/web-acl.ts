/**
 * The web ACL in front of the API stage: AWS IP reputation, a per-IP rate rule on every request
 * answering 429 with the problem body, and the AWS common rule set minus the body rules that
 * would refuse legitimate passwords.
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { wafTooManyRequestsBody } from './gateway-problems';
import { markTransparent } from './logical-ids';

/**
 * Creates the web ACL and associates it with the stage.
 *
 * @example
 * createWebAcl(stack, api.deploymentStage, config);
 */
export function createWebAcl(
  scope: Construct,
  stage: apigateway.Stage,
  config: PasswordResetConfig,
): wafv2.CfnWebACL {
  const visibility = (metricName: string) => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  // The common rule set's body inspections would refuse legitimate passwords (NIST asks for
  // any printable character: "<script>", "../", "http://" are valid passwords) and its 8 KB
  // body limit is below the API's 16 KiB; they count instead of block. The functions validate
  // every field and never reflect input.
  const countedCommonRules = [
    'CrossSiteScripting_BODY',
    'GenericLFI_BODY',
    'GenericRFI_BODY',
    'EC2MetaDataSSRF_BODY',
    'SizeRestrictions_BODY',
  ];
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: visibility('PasswordResetWebAcl'),
    customResponseBodies: {
      TooManyRequests: { contentType: 'APPLICATION_JSON', content: wafTooManyRequestsBody() },
    },
    rules: [
      {
        name: 'AWS-AWSManagedRulesAmazonIpReputationList',
        priority: 0,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesAmazonIpReputationList',
          },
        },
        visibilityConfig: visibility('IpReputation'),
      },
      // Every request counts, whatever its path: the ACL guards this API only, and every route
      // of it is the reset flow (the rest are 404s). A path filter would be a way around the
      // limit: WAF matches the path as the client sent it, so a custom domain's base path
      // (`/password/forgot`, `/api/password/forgot`) has no stage prefix, and API Gateway routes
      // a percent-encoded path (`/v1/%70assword/forgot`) that a byte match on the raw path misses.
      {
        name: 'RateLimitPerIp',
        priority: 1,
        action: {
          block: {
            customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' },
          },
        },
        statement: {
          rateBasedStatement: {
            limit: config.wafRateLimit,
            evaluationWindowSec: config.wafRateWindowSeconds,
            aggregateKeyType: 'IP',
          },
        },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      {
        name: 'AWS-AWSManagedRulesCommonRuleSet',
        priority: 2,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: 'AWSManagedRulesCommonRuleSet',
            ruleActionOverrides: countedCommonRules.map((name) => ({
              name,
              actionToUse: { count: {} },
            })),
          },
        },
        visibilityConfig: visibility('CommonRuleSet'),
      },
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: stage.stageArn,
    webAclArn: acl.attrArn,
  });
  return acl;
}

/** The diagram's "WAF" box: the web ACL on the API's stage. */
export class ResetWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly stage: apigateway.Stage; readonly config: PasswordResetConfig },
  ) {
    super(scope, id);
    markTransparent(this);
    this.webAcl = createWebAcl(this, props.stage, props.config);
  }
}
