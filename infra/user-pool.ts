/**
 * The diagram's "Cognito user pool" box when the construct creates the pool: NIST SP 800-63B-4
 * password policy, recovery by verified email only, no self sign-up, optional TOTP MFA, the
 * configured sender, deletion protection unless sandbox, and (opt-in) threat protection.
 */
import { Annotations, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { PasswordResetConfig } from './config';
import { markTransparent } from './logical-ids';

/** Props of {@link ResetUserPool}. */
export interface ResetUserPoolProps {
  readonly config: PasswordResetConfig;
  readonly removalPolicy: RemovalPolicy;
}

/** A user pool made for the reset flow. */
export class ResetUserPool extends Construct {
  readonly userPool: cognito.UserPool;

  constructor(scope: Construct, id: string, props: ResetUserPoolProps) {
    super(scope, id);
    markTransparent(this);
    const { config } = props;
    const threatProtection = config.threatProtection !== 'off';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true, username: false },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      selfSignUpEnabled: false,
      // Recovery through a verified email only: SMS recovery invites SIM-swap takeover and
      // SMS-pumping fraud.
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: poolPasswordPolicy(config),
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(threatProtection
        ? {
            standardThreatProtectionMode:
              config.threatProtection === 'enforced'
                ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
                : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
          }
        : {}),
      email: this.email(config),
      deletionProtection: !config.sandbox,
      removalPolicy: props.removalPolicy,
    });
    if (threatProtection) {
      new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'CompromisedCredentials', {
        userPoolId: this.userPool.userPoolId,
        clientId: 'ALL',
        compromisedCredentialsRiskConfiguration: {
          // PASSWORD_CHANGE covers ConfirmForgotPassword: a known-breached new password is refused.
          eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
          actions: { eventAction: config.threatProtection === 'enforced' ? 'BLOCK' : 'NO_ACTION' },
        },
      });
    }
  }

  private email(config: PasswordResetConfig): cognito.UserPoolEmail {
    if (config.senderAddress === undefined) {
      Annotations.of(this).addWarningV2(
        'password-reset:cognito-default-sender',
        'No "senderAddress" configured: Cognito sends the codes with its default sender (about 50 emails a day per account, no custom From). Configure a verified SES identity for production.',
      );
      return cognito.UserPoolEmail.withCognito();
    }
    const identity = config.sesIdentity ?? config.senderAddress;
    return cognito.UserPoolEmail.withSES({
      fromEmail: config.senderAddress,
      ...(config.sesRegion ? { sesRegion: config.sesRegion } : {}),
      ...(identity.includes('@') ? {} : { sesVerifiedDomain: identity }),
    });
  }
}

/**
 * The pool's password policy. NIST SP 800-63B-4: length, not composition rules.
 *
 * @example
 * poolPasswordPolicy(config).minLength // 15
 */
export function poolPasswordPolicy(config: PasswordResetConfig): cognito.PasswordPolicy {
  return {
    minLength: config.passwordMinLength,
    requireLowercase: false,
    requireUppercase: false,
    requireDigits: false,
    requireSymbols: false,
    tempPasswordValidity: Duration.days(3),
    ...(config.passwordHistorySize > 0 ? { passwordHistorySize: config.passwordHistorySize } : {}),
  };
}
