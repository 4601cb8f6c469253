/**
 * Stand-in for `@aws-sdk/credential-provider-node` inside the Lambda bundles (see the `alias` in
 * `bundle-options.ts`). Lambda hands a function its role's credentials through the environment
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, Lambda's "defined runtime
 * environment variables": https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html),
 * so the SDK's full default chain (SSO, INI files, processes, web identity, IMDS/ECS) is dead
 * weight on every cold start:
 * about 135 KB of a two-client bundle. This module keeps the chain's export names and its
 * refresh rule, and resolves from the environment only.
 *
 * Deliberately NOT a fallback chain: outside Lambda, code that is loaded from source (tests, the
 * local stack) still gets the real provider, because the alias exists only in the bundles.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** Same rule as the SDK's default chain: credentials within 5 minutes of expiry are refetched. */
export const credentialsTreatedAsExpired = (credentials: AwsCredentialIdentity): boolean =>
  credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;

/** Same rule as the SDK's default chain: only credentials that carry an expiry ever refresh. */
export const credentialsWillNeedRefresh = (credentials: AwsCredentialIdentity): boolean =>
  credentials.expiration !== undefined;

/**
 * The SDK clients call this as their `credentialDefaultProvider`; it resolves once from the
 * environment and memoises the result (as the real chain does), so a warm container reads
 * `process.env` at most once per expiry period.
 *
 * @example
 * const credentials = await defaultProvider()(); // { accessKeyId, secretAccessKey, sessionToken }
 */
export function defaultProvider(
  init: Parameters<typeof fromEnv>[0] = {},
): AwsCredentialIdentityProvider {
  const resolve = fromEnv(init);
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const current = pending;
    if (current !== undefined) {
      const credentials = await current.catch(() => undefined);
      if (credentials !== undefined && !credentialsTreatedAsExpired(credentials)) {
        return credentials;
      }
    }
    const next = resolve();
    pending = next;
    return next;
  };
}
