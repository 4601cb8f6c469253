/**
 * What `npm start` prints once the stack is ready: where everything is and one command per step
 * of a reset, filled in with this run's values so a new user can copy them as they are.
 */
import type { StackInfo } from './stack';

/** The guide printed after `stack.json`. */
export function readyBanner(info: StackInfo, stackJsonPath: string): string {
  const user = info.demoUser.username;
  const json = `-H 'Content-Type: application/json'`;
  return [
    '',
    `Local password-reset stack is ready (${info.dataReused ? 'reused the previous data (--keep)' : 'fresh data; --keep reuses it next time'}).`,
    `  API              ${info.apiUrl}   (POST /password/forgot, POST /password/confirm)`,
    `  Reset page       ${info.clientPageUrl}   (a different origin: CORS applies)`,
    `  Cognito endpoint ${info.cognitoEndpoint}   pool ${info.userPoolId}, client ${info.clientId}`,
    `  Mail (SES) UI    ${info.sesUrl}`,
    `  Demo user        ${user} / ${info.demoUser.password}`,
    `  Details          ${stackJsonPath}`,
    '',
    'Try a reset:',
    `  1. Request a code:   curl -i -X POST ${info.apiUrl}/password/forgot ${json} -d '{"username":"${user}"}'`,
    `  2. Read the code:    curl -s '${info.mailboxUrl}?to=${user}'`,
    `  3. Set a password:   curl -i -X POST ${info.apiUrl}/password/confirm ${json} -d '{"username":"${user}","code":"<code>","password":"<new password, 15+ characters>"}'`,
    `  4. Sign in with it:  npx tsx local/sign-in.ts ${user} '<new password>'`,
    `  5. See the effects:  curl -s ${info.mailboxUrl}?to=${user}   curl -s ${info.eventsUrl}   curl -s ${info.signOutsUrl}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
