/**
 * `npx tsx local/sign-in.ts <username> <password>`: signs in against the running local stack
 * (USER_PASSWORD_AUTH with the SECRET_HASH the app client requires) and says whether it worked,
 * without printing any token. Proves step 4 of a reset by hand.
 */
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { localSecretsClient, readRunningStack } from './running-stack';
import { computeSecretHash } from './secret-hash';
import { localCognitoClient } from './seed';
import { REGION, SECRET_NAME } from './stack';

const [username, password] = process.argv.slice(2);
if (!username || !password) {
  process.stderr.write('usage: npx tsx local/sign-in.ts <username> <password>\n');
  process.exit(2);
}
const info = readRunningStack();
const secrets = localSecretsClient(info);
const secret = await secrets.send(new GetSecretValueCommand({ SecretId: SECRET_NAME }));
const { clientSecret } = JSON.parse(secret.SecretString ?? '{}') as { clientSecret: string };
const cognito = localCognitoClient(info.cognitoEndpoint, REGION);
try {
  const answer = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: info.clientId,
      AuthParameters: {
        USERNAME: username,
        PASSWORD: password,
        SECRET_HASH: computeSecretHash(username, info.clientId, clientSecret),
      },
    }),
  );
  process.stdout.write(
    answer.AuthenticationResult?.AccessToken
      ? `signed in as ${username}: tokens issued\n`
      : `no tokens: challenge ${answer.ChallengeName ?? 'unknown'}\n`,
  );
} catch (error) {
  process.stdout.write(`sign-in failed: ${(error as Error).name}: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
