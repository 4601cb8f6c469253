/**
 * cognito-local, assembled in this process from its own library parts instead of its CLI: the
 * CLI hard-wires its data directory to `./.cognito` and reads `PORT`/`HOST` at load, and prints
 * codes in a console box. Assembled here it keeps its data under the stack's directory, listens
 * on a free loopback port, calls the trigger through the local Lambda endpoint, and delivers
 * codes as email through the local SES, as a pool configured with SES does.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Config } from 'cognito-local/lib/server/config';
import type { Router as RouterFn } from 'cognito-local/lib/server/Router';
import type { createServer as CreateServerFn } from 'cognito-local/lib/server/server';
import type { Services } from 'cognito-local/lib/services';
import type { AppClient } from 'cognito-local/lib/services/appClient';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService';
import type { Context } from 'cognito-local/lib/services/context';
import type { Message } from 'cognito-local/lib/services/messages';
import type { User } from 'cognito-local/lib/services/userPoolService';
import type pino from 'pino';
import { IDLE_CONNECTION_MS, LOOPBACK } from './listen';
import { safeDataStoreFactory } from './safe-data-store';

/** Sender address of code emails: Cognito's own default sender. */
export const CODE_SENDER = 'no-reply@verificationemail.com';
/** Subject of code emails (Cognito's default verification message). */
export const CODE_SUBJECT = 'Your verification code';

/** Where the emulator sends what it would send through AWS. */
export interface CognitoEmulatorOptions {
  readonly dataDirectory: string;
  readonly region: string;
  readonly issuerUrl: string;
  readonly lambdaEndpoint: string;
  readonly triggerFunctionName: string;
  /** The CustomMessage trigger, invoked for every code email as the deployed pool does. */
  readonly customMessageFunctionName: string;
  readonly sesEndpoint: string;
  readonly debug: boolean;
  /** Told of each code email, so the console can say where to read it. */
  readonly onCodeSent: (to: string) => void;
}

/** A view of a user that the Cognito front needs for its checks. */
export interface EmulatedUser {
  readonly username: string;
  readonly enabled: boolean;
  readonly email?: string;
  readonly emailVerified: boolean;
}

/** The running emulator, with read access to its state for the Cognito front. */
export interface CognitoEmulator {
  readonly url: string;
  client(clientId: string): Promise<AppClient | undefined>;
  user(userPoolId: string, username: string): Promise<EmulatedUser | undefined>;
  passwordMinimumLength(userPoolId: string): Promise<number>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const lib = (path: string): unknown => require(`cognito-local/lib/${path}`);
/** A dependency of cognito-local, resolved from where cognito-local is installed. */
const dependencyOfCognitoLocal = (name: string): unknown =>
  require(require.resolve(name, { paths: [require.resolve('cognito-local')] }));

function attribute(user: User, name: string): string | undefined {
  return user.Attributes.find((a) => a.Name === name)?.Value;
}

/** Cognito's code placeholder in a custom message. */
const CODE_PLACEHOLDER = '{####}';

/**
 * The email the deployed pool sends for a message: the trigger's subject and HTML (every code
 * placeholder replaced: cognito-local replaces only the first, Cognito all of them) with a text
 * part read from the HTML, or Cognito's default message when the trigger gave none.
 *
 * @example
 * deliveredEmail({ __code: '123456' }).text // 'Your verification code is 123456. '
 */
export function deliveredEmail(message: Message): {
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
} {
  const code = message.__code ?? '';
  const subject = message.emailSubject || CODE_SUBJECT;
  if (!message.emailMessage) return { subject, text: `Your verification code is ${code}. ` };
  const html = message.emailMessage.replaceAll(CODE_PLACEHOLDER, code);
  return { subject, html, text: textOfHtml(html) };
}

/** A plain-text rendering of an email's HTML: one paragraph a line, each link's address after its label. */
export function textOfHtml(html: string): string {
  const decode = (value: string) =>
    value
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&amp;', '&');
  return decode(
    html
      .replace(/<title>[\s\S]*?<\/title>/gi, '')
      .replace(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2: $1')
      .replace(/<\/(p|h1|h2|div)>|<br\s*\/?>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n\n')
    .concat('\n');
}

/** Starts cognito-local on a free loopback port. */
export async function startCognitoEmulator(
  options: CognitoEmulatorOptions,
): Promise<CognitoEmulator> {
  // aws-sdk v2 (cognito-local's dependency) prints an end-of-support notice at load otherwise.
  process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
  const AWS = dependencyOfCognitoLocal('aws-sdk') as typeof import('aws-sdk');
  const pinoFactory = dependencyOfCognitoLocal('pino') as typeof pino;
  const services = lib('services/index.js') as typeof import('cognito-local/lib/services');
  const { CognitoServiceFactoryImpl } = lib(
    'services/cognitoService.js',
  ) as typeof import('cognito-local/lib/services/cognitoService');
  const { CryptoService } = lib(
    'services/crypto.js',
  ) as typeof import('cognito-local/lib/services/crypto');
  const { StormDBDataStoreFactory } = lib(
    'services/dataStore/stormDb.js',
  ) as typeof import('cognito-local/lib/services/dataStore/stormDb');
  const { MessageDeliveryService } = lib(
    'services/messageDelivery/messageDelivery.js',
  ) as typeof import('cognito-local/lib/services/messageDelivery/messageDelivery');
  const { otp } = lib('services/otp.js') as typeof import('cognito-local/lib/services/otp');
  const { JwtTokenGenerator } = lib(
    'services/tokenGenerator.js',
  ) as typeof import('cognito-local/lib/services/tokenGenerator');
  const { UserPoolServiceFactoryImpl } = lib(
    'services/userPoolService.js',
  ) as typeof import('cognito-local/lib/services/userPoolService');
  const { Router } = lib('server/Router.js') as { Router: typeof RouterFn };
  const { createServer } = lib('server/server.js') as { createServer: typeof CreateServerFn };

  const logger = pinoFactory(
    { level: options.debug ? 'debug' : 'error', base: { part: 'cognito-local' } },
    process.stderr,
  );
  const ctx: Context = { logger };
  const dbDirectory = join(options.dataDirectory, 'db');
  const config: Config = {
    LambdaClient: {
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      region: options.region,
      endpoint: options.lambdaEndpoint,
      maxRetries: 0,
    },
    TriggerFunctions: {
      PostConfirmation: options.triggerFunctionName,
      CustomMessage: options.customMessageFunctionName,
    },
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: options.issuerUrl },
    KMSConfig: {
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      region: options.region,
    },
    ServerConfig: { port: 0, hostname: LOOPBACK, development: false, https: false },
  };

  const ses = new SESv2Client({
    region: options.region,
    endpoint: options.sesEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sender = {
    async sendEmail(
      _ctx: Context,
      _user: User,
      destination: string,
      message: Message,
    ): Promise<void> {
      const email = deliveredEmail(message);
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: CODE_SENDER,
          Destination: { ToAddresses: [destination] },
          Content: {
            Simple: {
              Subject: { Data: email.subject },
              Body: {
                Text: { Data: email.text },
                ...(email.html === undefined ? {} : { Html: { Data: email.html } }),
              },
            },
          },
        }),
      );
      options.onCodeSent(destination);
    },
    async sendSms(): Promise<void> {
      // The local pool recovers accounts by verified email only, as the deployed one does.
    },
  };

  const clock = new services.DateClock();
  // Every name is stored as an own property: see safe-data-store.ts.
  const dataStoreFactory = safeDataStoreFactory(new StormDBDataStoreFactory(dbDirectory));
  const cognito: CognitoService = await new CognitoServiceFactoryImpl(
    dbDirectory,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new services.TriggersService(
    clock,
    cognito,
    new services.LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig),
  );
  const allServices: Services = {
    clock,
    cognito,
    config,
    messages: new services.MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const server: Server = await createServer(
    Router(allServices),
    logger,
    config.ServerConfig,
    allServices,
  ).start();
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://${LOOPBACK}:${port}`,
    async client(clientId) {
      return (await cognito.getAppClient(ctx, clientId)) ?? undefined;
    },
    async user(userPoolId, username) {
      const pool = await cognito.getUserPool(ctx, userPoolId).catch(() => undefined);
      if (!pool) return undefined;
      let user = await pool.getUserByUsername(ctx, username);
      // cognito-local matches names exactly; a pool created case-insensitive (as the CDK one
      // is) matches the username, sub and email alias regardless of case.
      if (!user && pool.options.UsernameConfiguration?.CaseSensitive === false) {
        const wanted = username.toLowerCase();
        user =
          (await pool.listUsers(ctx)).find(
            (candidate) =>
              candidate.Username.toLowerCase() === wanted ||
              attribute(candidate, 'email')?.toLowerCase() === wanted,
          ) ?? null;
      }
      if (!user) return undefined;
      const email = attribute(user, 'email');
      return {
        username: user.Username,
        enabled: user.Enabled !== false,
        ...(email ? { email } : {}),
        emailVerified: attribute(user, 'email_verified') === 'true',
      };
    },
    async passwordMinimumLength(userPoolId) {
      const pool = await cognito.getUserPool(ctx, userPoolId).catch(() => undefined);
      return pool?.options.Policies?.PasswordPolicy?.MinimumLength ?? 8;
    },
    stop() {
      ses.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
