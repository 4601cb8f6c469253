/**
 * Seeds the local Cognito the way the CDK stack shapes the real one: an email-username pool
 * (minimum 15-character passwords, no composition rules, recovery by verified email), an app
 * client with a generated secret and `PreventUserExistenceErrors` ENABLED, and a demo user with
 * a verified email and a permanent password. Talks to the local Cognito endpoint with the
 * standard SDK, so the admin calls go through the same front as everyone's.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** What seeding leaves behind (kept in `seed.json` so `--keep` can reuse it). */
export interface SeedRecord {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly demoUser: { readonly username: string; readonly password: string };
}

/** The demo user's sign-in name. */
export const DEMO_USERNAME = 'demo@example.com';
/** The pool's minimum password length (NIST SP 800-63B-4, as the CDK stack configures it). */
export const MINIMUM_PASSWORD_LENGTH = 15;
/** The pool's password policy, as Cognito's `PasswordPolicyType` (the confirm function gets it too). */
export const PASSWORD_POLICY = {
  MinimumLength: MINIMUM_PASSWORD_LENGTH,
  RequireLowercase: false,
  RequireUppercase: false,
  RequireNumbers: false,
  RequireSymbols: false,
} as const;

/** A fresh demo password that satisfies the pool policy. */
export function demoPassword(): string {
  return `demo-${randomBytes(9).toString('base64url')}`;
}

/** A Cognito client for the local endpoint (dummy credentials: no signature is checked). */
export function localCognitoClient(
  endpoint: string,
  region: string,
): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/** Creates the pool, the app client and the demo user. */
export async function seedCognito(cognito: CognitoIdentityProviderClient): Promise<SeedRecord> {
  const pool = await cognito.send(
    new CreateUserPoolCommand({
      PoolName: 'password-reset-local',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      Policies: {
        PasswordPolicy: PASSWORD_POLICY,
      },
    }),
  );
  const userPoolId = pool.UserPool?.Id;
  if (!userPoolId) throw new Error('the local Cognito created no user pool');
  const client = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'password-reset-local',
      GenerateSecret: true,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      EnablePropagateAdditionalUserContextData: true,
      // Sign-in flows only so the demo (and the tests) can prove the new password works.
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  const clientId = client.UserPoolClient?.ClientId;
  if (!clientId) throw new Error('the local Cognito created no app client');
  const demoUser = { username: DEMO_USERNAME, password: demoPassword() };
  await ensureUser(cognito, userPoolId, demoUser.username, demoUser.password);
  return { userPoolId, clientId, demoUser };
}

/**
 * Creates a confirmed user with a verified email and a permanent password, unless it exists.
 * `MessageAction: SUPPRESS`: cognito-local would otherwise send an SMS invitation.
 */
export async function ensureUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  password: string,
): Promise<boolean> {
  const exists = await cognito
    .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }))
    .then(() => true)
    .catch(() => false);
  if (exists) return false;
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: email,
      Password: password,
      Permanent: true,
    }),
  );
  return true;
}

/** The app client's secret, read back as an administrator would. */
export async function clientSecretOf(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
): Promise<string | undefined> {
  const answer = await cognito
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))
    .catch(() => undefined);
  return answer?.UserPoolClient?.ClientSecret;
}

/** The id of the client's first live secret (the front's `ListUserPoolClientSecrets`). */
export async function clientSecretIdOf(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
): Promise<string | undefined> {
  const answer = await cognito.send(
    new ListUserPoolClientSecretsCommand({ UserPoolId: userPoolId, ClientId: clientId }),
  );
  return answer.ClientSecrets?.[0]?.ClientSecretId;
}
