/**
 * The set-up most handler suites share: loopback fakes of the AWS services a function calls, the
 * function(s) loaded against them once for the whole file (warm containers), and everything torn
 * down, environment included, afterwards.
 */
import { afterAll, beforeAll } from 'vitest';
import {
  startFakeCognito,
  startFakeEventBridge,
  startFakeSecretsManager,
  startFakeSes,
  startFakeSqs,
} from './aws-fakes';
import type { FaultServer, Responder } from './fault-server';
import {
  type ApiHandler,
  loadApiHandler,
  loadTriggerHandler,
  restoreEnv,
  type TriggerHandler,
} from './handlers';

/** Filled in by `beforeAll`: read the fields inside hooks and tests, not at collection time. */
export interface ApiFakes {
  cognito: FaultServer;
  secretsManager: FaultServer;
  forgot: ApiHandler;
  confirm: ApiHandler;
}

/**
 * Registers the `beforeAll`/`afterAll` hooks in the calling scope. `cognitoResponders` is built
 * when the fake starts, so stateful answers (a token bucket) start with the suite.
 *
 * @example
 * const aws = useApiFakes();
 * it('...', async () => expect((await aws.forgot(forgotEvent(), context)).statusCode).toBe(202));
 */
export function useApiFakes(
  cognitoResponders: () => Record<string, Responder> = () => ({}),
): ApiFakes {
  const fakes = {} as ApiFakes;
  beforeAll(async () => {
    fakes.cognito = await startFakeCognito(cognitoResponders());
    fakes.secretsManager = await startFakeSecretsManager();
    const env = { cognitoUrl: fakes.cognito.url, secretsManagerUrl: fakes.secretsManager.url };
    fakes.forgot = await loadApiHandler('forgot-password', env);
    fakes.confirm = await loadApiHandler('confirm-forgot-password', env);
  });
  afterAll(async () => {
    restoreEnv();
    await fakes.cognito.stop();
    await fakes.secretsManager.stop();
  });
  return fakes;
}

/** Filled in by `beforeAll`, like {@link ApiFakes}. */
export interface TriggerFakes {
  cognito: FaultServer;
  /** The after-reset queue the trigger hands the notice and the event to. */
  sqs: FaultServer;
  ses: FaultServer;
  eventBridge: FaultServer;
  handler: TriggerHandler;
  /** Every fake back to normal answers (see {@link FaultServer.recover}). */
  recover: () => Promise<void>;
}

/** The post-confirmation trigger against fakes of its three services, as {@link useApiFakes}. */
export function useTriggerFakes(): TriggerFakes {
  const fakes = {
    recover: async () => {
      await Promise.all([
        fakes.cognito.recover(),
        fakes.sqs.recover(),
        fakes.ses.recover(),
        fakes.eventBridge.recover(),
      ]);
    },
  } as TriggerFakes;
  beforeAll(async () => {
    [fakes.cognito, fakes.sqs, fakes.ses, fakes.eventBridge] = await Promise.all([
      startFakeCognito(),
      startFakeSqs(),
      startFakeSes(),
      startFakeEventBridge(),
    ]);
    fakes.handler = await loadTriggerHandler({
      cognitoUrl: fakes.cognito.url,
      sesUrl: fakes.ses.url,
      eventBridgeUrl: fakes.eventBridge.url,
      sqsUrl: fakes.sqs.url,
      queueUrl: `${fakes.sqs.url}/000000000000/after-reset`,
    });
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([
      fakes.cognito.stop(),
      fakes.sqs.stop(),
      fakes.ses.stop(),
      fakes.eventBridge.stop(),
    ]);
  });
  return fakes;
}
