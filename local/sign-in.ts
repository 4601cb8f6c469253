/**
 * `npx tsx local/sign-in.ts <username> <password>`: signs in against the running local stack
 * (USER_PASSWORD_AUTH with the SECRET_HASH the app client requires) and says whether it worked,
 * without printing any token. Proves step 4 of a reset by hand.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { computeSecretHash } from './secret-hash';
import { localCognitoClient } from './seed';
import { REGION, SECRET_NAME, type StackInfo } from './stack';

const [username, password] = process.argv.slice(2);
if (!username || !password) {
  process.stderr.write('usage: npx tsx local/sign-in.ts <username> <password>\n');
  process.exit(2);
}
const localDir = resolve(process.cwd(), process.env.LOCAL_DIR || '.local');
let info: StackInfo;
try {
  info = JSON.parse(readFileSync(resolve(localDir, 'stack.json'), 'utf8')) as StackInfo;
} catch {
  process.stderr.write(`no running stack: ${localDir}/stack.json is missing (run npm start)\n`);
  process.exit(2);
}
const servicesUrl = new URL(info.mailboxUrl).origin;
const secrets = new SecretsManagerClient({
  region: REGION,
  endpoint: servicesUrl,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
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
